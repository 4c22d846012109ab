//! Reading the zips the server streams, every entry verified.

use std::collections::BTreeMap;
use std::io::Read;

/// Every file of a zip by name, each read through rawzip's verifying reader (CRC and size checked).
pub fn read_zip(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let archive = rawzip::ZipArchive::from_slice(bytes).expect("a zip");
    let mut entries = archive.entries();
    let mut files = BTreeMap::new();
    while let Some(entry) = entries.next_entry().expect("an entry") {
        let name: String = entry
            .file_path()
            .try_normalize()
            .expect("a safe path")
            .into();
        assert_eq!(entry.compression_method(), rawzip::CompressionMethod::STORE);
        let local = archive.get_entry(entry.wayfinder()).expect("its data");
        let mut data = vec![];
        local
            .verifying_reader(local.data())
            .read_to_end(&mut data)
            .expect("CRC and size match");
        files.insert(name, data);
    }
    files
}
