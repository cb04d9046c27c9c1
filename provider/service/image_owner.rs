//! Who owns the containers' images: Terraform (the configuration's images are what runs; a
//! revision deployed outside Terraform is drift the apply undoes) or a pipeline (the
//! configuration's images only start the service; a revision a pipeline deploys is what runs,
//! and a change of any other setting registers a revision from the images running then).
//! The state's `running_images` records what runs, by container name.

use std::collections::BTreeMap;

use crate::value::Value;

use super::expand::TaskDefinitionDef;

/// `image_owner = "pipeline"`.
pub const PIPELINE: &str = "pipeline";
/// `image_owner = "terraform"`, the default.
pub const TERRAFORM: &str = "terraform";
/// The values `image_owner` takes.
pub const OWNERS: &[&str] = &[TERRAFORM, PIPELINE];

/// Whether a service value leaves its images to a pipeline.
pub fn pipeline_owns(value: &Value) -> bool {
    value.get("image_owner").as_str() == Some(PIPELINE)
}

/// The images a revision runs, by container name.
pub fn images_of(td: &TaskDefinitionDef) -> BTreeMap<String, String> {
    td.containers
        .iter()
        .map(|c| (c.name.clone(), c.image.clone()))
        .collect()
}

/// A value's `running_images` (empty when null or unknown: a state written before it).
pub fn running_images(value: &Value) -> BTreeMap<String, String> {
    match value.get("running_images") {
        Value::Map(m) | Value::Object(m) => m
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
            .collect(),
        _ => BTreeMap::new(),
    }
}

/// `running_images` as the state stores it.
pub fn images_value(images: &BTreeMap<String, String>) -> Value {
    Value::Map(
        images
            .iter()
            .map(|(k, v)| (k.clone(), Value::string(v.clone())))
            .collect(),
    )
}

/// Puts the running images in a revision: each container that runs keeps its running image; a
/// container that does not run yet (a new sidecar) takes the configuration's.
pub fn with_running_images(td: &mut TaskDefinitionDef, running: &BTreeMap<String, String>) {
    for c in &mut td.containers {
        if let Some(image) = running.get(&c.name) {
            c.image.clone_from(image);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::expand::{Placement, expand};
    use crate::service::spec::ServiceSpec;
    use crate::service::testing::service_value;

    #[test]
    fn the_running_images_replace_the_configured_ones_of_containers_that_run() {
        let v = service_value(
            "rolling",
            "arn:aws:elasticloadbalancing:us-east-1:1:listener/app/a/1/2",
            None,
        );
        let spec = ServiceSpec::from_value(&v).expect("spec");
        let placement = Placement::of_service(&spec, None).expect("placed");
        let mut td = expand(&spec, &placement, &BTreeMap::new()).task_definition;
        let mut sidecar = td.containers[0].clone();
        sidecar.name = "new-sidecar".into();
        sidecar.image = "side:1".into();
        td.containers.push(sidecar);
        let running = BTreeMap::from([("app".to_owned(), "app@sha256:ab".to_owned())]);
        with_running_images(&mut td, &running);
        assert_eq!(
            images_of(&td),
            BTreeMap::from([
                ("app".to_owned(), "app@sha256:ab".to_owned()),
                ("new-sidecar".to_owned(), "side:1".to_owned()),
            ])
        );
        let v = Value::object([("running_images", images_value(&running))]);
        assert_eq!(running_images(&v), running);
        assert!(running_images(&Value::object([("running_images", Value::unknown())])).is_empty());
    }
}
