//! Compiles proto/ with protox (pure Rust, so no system protoc is needed) and tonic-prost-build.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let files = ["tfplugin6.proto", "plugin.proto"];
    for f in files {
        println!("cargo:rerun-if-changed=proto/{f}");
    }
    let descriptors = protox::compile(files, ["proto"])?;
    tonic_prost_build::configure()
        .build_server(true)
        .build_client(true)
        .compile_fds(descriptors)?;
    Ok(())
}
