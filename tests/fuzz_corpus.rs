//! Replays the fuzz corpus (fuzz/corpus/decode_msgpack) through the decoders on every test run,
//! so inputs that once crashed them stay fixed without a fuzzer installed.

use fargate_provider::service::schema::schema;
use fargate_provider::value::{fuzz_decode, fuzz_types};

#[test]
fn fuzz_corpus_decodes_without_panicking() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/decode_msgpack");
    let types = fuzz_types([schema().value_type()]);
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("corpus directory") {
        let path = entry.expect("entry").path();
        if path.is_file() {
            fuzz_decode(&std::fs::read(&path).expect("read"), &types);
            count += 1;
        }
    }
    assert!(count >= 20, "corpus has only {count} inputs");
}
