#![no_main]
// Fuzz target: auditpack::fuzz::credential_report must never panic, whatever the bytes.
libfuzzer_sys::fuzz_target!(|data: &[u8]| auditpack::fuzz::credential_report(data));
