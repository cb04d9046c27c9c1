//! The image rule: a `:latest` or untagged image of any container is a warning, or an error with
//! `require_immutable_image`; a digest is always fine.

use crate::service::image_owner;
use crate::service::schema::one_of;
use crate::value::{AttributePath, Value};

use super::shared::{Checker, container_blocks};

/// Tags that by convention point at whatever was built last on a branch or for an
/// environment, as `latest` does (seed 003: tag images immutably, never deploy a moving tag).
pub const MOVING_TAGS: &[&str] = &[
    "stable",
    "prod",
    "production",
    "staging",
    "main",
    "master",
    "dev",
    "develop",
    "edge",
    "nightly",
    "current",
    "release",
];

impl Checker {
    pub(super) fn image(&mut self, c: &Value) {
        let owner = c.get("image_owner");
        if let Some(o) = owner.as_str()
            && !image_owner::OWNERS.contains(&o)
        {
            self.error(
                AttributePath::attr("image_owner"),
                "Invalid image_owner",
                format!(
                    "image_owner is {} (who deploys new images); got {o:?}.",
                    one_of(image_owner::OWNERS)
                ),
            );
        }
        for (at, container) in container_blocks(c) {
            self.container_image(c, container, at.join_attr("image"));
        }
    }

    fn container_image(&mut self, c: &Value, container: &Value, at: AttributePath) {
        let Some(image) = container.get("image").as_str() else {
            return;
        };
        if image.contains('@') {
            return;
        }
        let last = image.rsplit('/').next().unwrap_or(image);
        let tag = last.split_once(':').map(|(_, t)| t);
        let moving;
        let problem = match tag {
            None => "has no tag, so it means :latest",
            Some("latest") => "uses the :latest tag",
            Some(t) if MOVING_TAGS.contains(&t) => {
                moving = format!("uses :{t}, a tag that by convention moves to each new build");
                moving.as_str()
            }
            Some(_) if image_owner::pipeline_owns(c) => {
                self.warning(
                    at,
                    "Pipeline-owned image is not a digest",
                    format!(
                        "{image:?} is a tag, and with image_owner = \"pipeline\" the running images are compared by \
                         reference: a pipeline that pushes the same tag again deploys nothing Terraform can see, and the \
                         tasks a scale-out starts may run another build than the rest. Start the service from a digest \
                         (repo@sha256:…) and let the pipeline deploy digests (check `pipeline-image`)."
                    ),
                );
                return;
            }
            Some(_) => return,
        };
        let strict = c.get("require_immutable_image").as_bool().unwrap_or(false);
        let detail = format!(
            "{image:?} {problem}: what runs changes without a plan, tasks started by a scale-out may run a different \
             build than the rest, and a rollback cannot go back. Use an immutable tag or a digest (repo@sha256:…)."
        );
        if strict {
            self.error(at, "Mutable image reference", detail);
        } else {
            self.warning(at, "Mutable image reference", detail);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::checks::testing::{Seen, block, error, list, run, s, warning};

    fn image(image: &str) -> Vec<Seen> {
        run(Checker::image, &[("container.image", s(image))])
    }

    #[test]
    fn a_pipeline_owned_image_should_be_a_digest() {
        let run_with = |owner: &str, img: &str| {
            run(
                Checker::image,
                &[("image_owner", s(owner)), ("container.image", s(img))],
            )
        };
        assert_eq!(run_with("pipeline", "app@sha256:0123456789abcdef"), []);
        assert_eq!(run_with("terraform", "app:1.2.3"), []);
        assert_eq!(
            run_with("pipeline", "app:1.2.3"),
            [warning(
                "Pipeline-owned image is not a digest",
                "container.image"
            )]
        );
        assert_eq!(
            run_with("ci", "app@sha256:0123456789abcdef"),
            [error("Invalid image_owner", "image_owner")]
        );
    }

    #[test]
    fn mutable_images_are_a_warning() {
        for ok in [
            "app:1.42.0",
            "registry.example.com:5000/team/app:1",
            "app@sha256:0123456789abcdef",
            "app:latest@sha256:0123456789abcdef",
        ] {
            assert_eq!(image(ok), [], "{ok}");
        }
        for bad in [
            "app:latest",
            "app",
            "registry.example.com:5000/team/app",
            "app:stable",
            "registry.example.com:5000/team/app:main",
        ] {
            assert_eq!(
                image(bad),
                [warning("Mutable image reference", "container.image")],
                "{bad}"
            );
        }
    }

    #[test]
    fn require_immutable_image_makes_it_an_error_for_every_container() {
        let d = run(
            Checker::image,
            &[
                ("require_immutable_image", Value::Bool(true)),
                ("container.image", s("app:1")),
                (
                    "sidecar",
                    list(vec![block(&[("name", s("proxy")), ("image", s("envoy"))])]),
                ),
            ],
        );
        assert_eq!(d, [error("Mutable image reference", "sidecar[0].image")]);
    }
}
