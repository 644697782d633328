#![no_main]
// Fuzz target: auditpack::fuzz::manifest must never panic, whatever the bytes.
libfuzzer_sys::fuzz_target!(|data: &[u8]| auditpack::fuzz::manifest(data));
