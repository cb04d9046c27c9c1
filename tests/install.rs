//! Installing the provider like any other, without dev_overrides: tools/release.sh packs the
//! build as the registries lay it out and as a filesystem mirror; the real tofu installs it from
//! the mirror with `tofu init`, records the zip's hash in .terraform.lock.hcl, and plans
//! examples/basic against the emulator.

mod support;

use base64::Engine;
use sha2::{Digest, Sha256};
use support::{Emulator, Fixtures, Workdir, provider_binary, repo_root};

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn tofu_init_installs_the_release_zip_from_a_filesystem_mirror_and_plans() {
    let version = env!("CARGO_PKG_VERSION");
    let out = tempfile::tempdir().expect("tempdir");
    let dist = out.path().join("dist");
    let mirror = out.path().join("mirror");
    // The binary the tests run, packed as a release (building again here could rebuild it
    // with other features under the tests running beside this one).
    let run = std::process::Command::new(repo_root().join("tools/release.sh"))
        .arg("--binary")
        .arg(provider_binary())
        .arg("--out")
        .arg(&dist)
        .arg("--mirror")
        .arg(&mirror)
        .output()
        .expect("run tools/release.sh");
    assert!(
        run.status.success(),
        "release.sh failed:\n{}",
        String::from_utf8_lossy(&run.stderr)
    );

    // The registry layout: the zip, a manifest declaring protocol 6.0, and their checksums.
    let zip_name = format!("terraform-provider-fargate_{version}_linux_amd64.zip");
    let zip = std::fs::read(dist.join(&zip_name)).expect("the zip");
    let manifest_name = format!("terraform-provider-fargate_{version}_manifest.json");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dist.join(&manifest_name)).expect("the manifest"))
            .expect("manifest JSON");
    assert_eq!(
        manifest["metadata"]["protocol_versions"],
        serde_json::json!(["6.0"])
    );
    let sums = std::fs::read_to_string(
        dist.join(format!("terraform-provider-fargate_{version}_SHA256SUMS")),
    )
    .expect("SHA256SUMS");
    assert!(
        sums.contains(&format!("{}  {zip_name}", sha256_hex(&zip))),
        "{sums}"
    );
    assert!(
        mirror
            .join("registry.opentofu.org/terraform-provider-fargate/fargate")
            .join(&zip_name)
            .is_file()
    );

    // No dev_overrides: the mirror for this provider, nothing else.
    let emulator = Emulator::start();
    let fixtures = Fixtures::create(&emulator, "install");
    let w = Workdir::new().with_env(emulator.aws_env());
    w.write(
        "tofu.tfrc",
        &format!(
            "provider_installation {{\n  filesystem_mirror {{\n    path    = \"{}\"\n    include = [\"terraform-provider-fargate/fargate\"]\n  }}\n  direct {{\n    exclude = [\"terraform-provider-fargate/fargate\"]\n  }}\n}}\n",
            mirror.display()
        ),
    );
    w.copy_example("basic");
    w.write("terraform.tfvars", &fixtures.tfvars());
    let init = w.tofu(&["init", "-no-color", "-input=false"]);
    init.assert_ok();
    assert!(
        !init.text().contains("development overrides"),
        "installed, not overridden:\n{}",
        init.text()
    );

    // h1: the hash of the zip's contents (one file: the binary under its versioned name).
    let binary = std::fs::read(provider_binary()).expect("the binary");
    let summary = format!(
        "{}  terraform-provider-fargate_v{version}\n",
        sha256_hex(&binary)
    );
    let h1 = format!(
        "h1:{}",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(summary.as_bytes()))
    );
    let lock = std::fs::read_to_string(w.path().join(".terraform.lock.hcl")).expect("lock file");
    assert!(
        lock.contains("registry.opentofu.org/terraform-provider-fargate/fargate")
            && lock.contains(&format!("version = \"{version}\""))
            && lock.contains(&h1),
        "the lock file records the release zip ({h1}):\n{lock}"
    );

    let plan = w.tofu(&["plan", "-no-color", "-input=false"]);
    plan.assert_ok();
    assert!(
        plan.stdout
            .contains("fargate_production_service.checkout will be created"),
        "{}",
        plan.stdout
    );
}
