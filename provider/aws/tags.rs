//! Tags as each AWS SDK takes and gives them, converted here once. The expansion's tags are a
//! map; every service has its own `Tag` type, some with optional members and some required.

use std::collections::BTreeMap;

use crate::service::expand::OWNER_TAG;

/// A service's tag type.
pub trait SdkTag: Sized {
    /// The tag, or `None` when the SDK refuses to build it (a required member it checks).
    fn from_pair(key: &str, value: &str) -> Option<Self>;
    fn pair(&self) -> (Option<&str>, Option<&str>);
}

/// Implements [`SdkTag`] for a tag type whose builder cannot fail (`optional`: its members are
/// optional in the SDK) or can (`required`).
macro_rules! sdk_tag {
    (optional $($t:ty),+) => {$(
        impl SdkTag for $t {
            fn from_pair(key: &str, value: &str) -> Option<Self> {
                Some(<$t>::builder().key(key).value(value).build())
            }
            fn pair(&self) -> (Option<&str>, Option<&str>) {
                (self.key(), self.value())
            }
        }
    )+};
    (required $($t:ty),+) => {$(
        impl SdkTag for $t {
            fn from_pair(key: &str, value: &str) -> Option<Self> {
                <$t>::builder().key(key).value(value).build().ok()
            }
            fn pair(&self) -> (Option<&str>, Option<&str>) {
                (Some(self.key()), Some(self.value()))
            }
        }
    )+};
}

sdk_tag!(optional
    aws_sdk_ecs::types::Tag,
    aws_sdk_elasticloadbalancingv2::types::Tag,
    aws_sdk_codedeploy::types::Tag,
    aws_sdk_cloudwatch::types::Tag
);
sdk_tag!(required aws_sdk_iam::types::Tag, aws_sdk_servicediscovery::types::Tag);

/// The tags in a service's type, for a create or tag call.
pub fn to_sdk<T: SdkTag>(tags: &BTreeMap<String, String>) -> Vec<T> {
    tags.iter()
        .filter_map(|(k, v)| T::from_pair(k, v))
        .collect()
}

/// The owner tag's value among a child's tags.
pub fn owner_in<'a, T: SdkTag + 'a>(tags: impl IntoIterator<Item = &'a T>) -> Option<String> {
    tags.into_iter().find_map(|t| match t.pair() {
        (Some(OWNER_TAG), value) => value.map(str::to_owned),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_convert_to_each_sdk_and_the_owner_is_found_back() {
        let tags = BTreeMap::from([
            ("team".to_owned(), "payments".to_owned()),
            (OWNER_TAG.to_owned(), "checkout-cluster/api".to_owned()),
        ]);
        let ecs: Vec<aws_sdk_ecs::types::Tag> = to_sdk(&tags);
        assert_eq!(ecs.len(), 2);
        assert_eq!(owner_in(&ecs).as_deref(), Some("checkout-cluster/api"));
        let iam: Vec<aws_sdk_iam::types::Tag> = to_sdk(&tags);
        assert_eq!(iam[1].pair(), (Some("team"), Some("payments")));
        assert_eq!(owner_in(&iam).as_deref(), Some("checkout-cluster/api"));
        let none: Vec<aws_sdk_cloudwatch::types::Tag> = to_sdk(&BTreeMap::new());
        assert_eq!(owner_in(&none), None);
    }
}
