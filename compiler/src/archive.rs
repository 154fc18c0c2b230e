//! Finding the model file inside the uploaded gzip tar, in memory and within fixed limits.
//!
//! Nothing is written to disk, so entry paths (absolute ones, `..`) only ever serve as names.

use std::cell::RefCell;
use std::io::{self, Read};
use std::path::{Component, Path};

use flate2::read::MultiGzDecoder;

use crate::ModelFormat;
use crate::error::CompileError;

/// Bounds on what an upload may unpack to, so a small zip bomb cannot take the machine down.
pub(crate) struct Limits {
    pub max_unpacked_bytes: u64,
    pub max_entries: usize,
}

pub(crate) const LIMITS: Limits = Limits {
    max_unpacked_bytes: 2 << 30,
    max_entries: 10_000,
};

/// The model file found in the archive.
pub(crate) struct ModelFile {
    /// Its path inside the archive, as the archive spells it.
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Why reading the decompressed stream stopped early.
enum StreamFault {
    TooLarge,
    Gzip(String),
}

/// Counts what the gzip decoder hands out and turns its failures into a [`StreamFault`], so that
/// the tar reader's errors can be told apart from the gzip layer's.
struct Guarded<'a, R> {
    inner: R,
    read: u64,
    max: u64,
    fault: &'a RefCell<Option<StreamFault>>,
}

impl<R: Read> Read for Guarded<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.inner.read(buf) {
            Ok(n) => {
                self.read += n as u64;
                if self.read > self.max {
                    *self.fault.borrow_mut() = Some(StreamFault::TooLarge);
                    return Err(io::Error::other("unpacked size limit reached"));
                }
                Ok(n)
            }
            Err(e) => {
                *self.fault.borrow_mut() = Some(StreamFault::Gzip(e.to_string()));
                Err(e)
            }
        }
    }
}

pub(crate) fn find_model(
    archive: &[u8],
    format: ModelFormat,
    limits: &Limits,
) -> Result<ModelFile, CompileError> {
    if !archive.starts_with(&[0x1f, 0x8b]) {
        return Err(CompileError::new(
            "The object at InputConfig.S3Uri is not a gzip-compressed tar archive. Pack the model \
             file with `tar -czf model.tar.gz <model file>` and upload that.",
        ));
    }
    let fault = RefCell::new(None);
    let stream = Guarded {
        inner: MultiGzDecoder::new(archive),
        read: 0,
        max: limits.max_unpacked_bytes,
        fault: &fault,
    };
    let mut tar = tar::Archive::new(stream);
    let extension = format.extension();
    let mut candidates: Vec<ModelFile> = Vec::new();
    let mut entries_seen = 0usize;
    let mut files_seen = 0usize;

    let outcome = (|| -> io::Result<()> {
        for entry in tar.entries()? {
            let mut entry = entry?;
            entries_seen += 1;
            if entries_seen > limits.max_entries {
                return Err(io::Error::other("too many entries"));
            }
            if !entry.header().entry_type().is_file() {
                continue;
            }
            files_seen += 1;
            let path = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            if !is_candidate(&path, extension) {
                continue;
            }
            let mut bytes = Vec::with_capacity(entry.size().min(64 << 20) as usize);
            entry.read_to_end(&mut bytes)?;
            candidates.push(ModelFile { path, bytes });
        }
        Ok(())
    })();

    if let Err(error) = outcome {
        return Err(match fault.into_inner() {
            Some(StreamFault::TooLarge) => CompileError::new(format!(
                "The archive at InputConfig.S3Uri unpacks to more than {} GiB, the most Loupe \
                 unpacks. Upload an archive holding only the model file.",
                limits.max_unpacked_bytes >> 30
            )),
            Some(StreamFault::Gzip(detail)) => CompileError::new(format!(
                "The object at InputConfig.S3Uri is not a valid gzip stream ({detail}). Pack the \
                 model again with `tar -czf model.tar.gz <model file>` and upload it whole."
            )),
            None if entries_seen > limits.max_entries => CompileError::new(format!(
                "The archive at InputConfig.S3Uri holds more than {} entries. Upload an archive \
                 holding only the model file.",
                limits.max_entries
            )),
            None => not_a_tar(&error.to_string()),
        });
    }

    if entries_seen == 0 {
        return Err(if holds_data(archive) {
            not_a_tar("no tar header found")
        } else {
            CompileError::new(
                "The archive at InputConfig.S3Uri is empty. Pack the model file into it with \
                 `tar -czf model.tar.gz <model file>`.",
            )
        });
    }

    match candidates.len() {
        0 => Err(CompileError::new(format!(
            "The archive at InputConfig.S3Uri holds no .{extension} file ({files_seen} file(s) \
             found). For Framework {} put the model in the archive as one .{extension} file.",
            framework_name(format)
        ))),
        1 => Ok(candidates.pop().expect("one candidate")),
        _ => {
            let names: Vec<String> = candidates
                .iter()
                .map(|c| format!("\"{}\"", c.path))
                .collect();
            Err(CompileError::new(format!(
                "The archive at InputConfig.S3Uri holds {} .{extension} files ({}); Loupe \
                 compiles one model per job. Upload an archive holding only the model to compile.",
                candidates.len(),
                names.join(", ")
            )))
        }
    }
}

fn framework_name(format: ModelFormat) -> &'static str {
    match format {
        ModelFormat::Onnx => "ONNX",
        ModelFormat::TensorflowFrozenGraph => "TENSORFLOW",
    }
}

fn not_a_tar(detail: &str) -> CompileError {
    CompileError::new(format!(
        "The object at InputConfig.S3Uri is gzip-compressed but does not hold a tar archive \
         ({detail}). Pack the model with `tar -czf model.tar.gz <model file>` rather than gzip \
         alone."
    ))
}

/// A model file by its extension, leaving out macOS's `._*` resource forks and `__MACOSX/`.
fn is_candidate(path: &str, extension: &str) -> bool {
    let path = Path::new(path);
    let hidden_by_macos = path.components().any(|c| match c {
        Component::Normal(part) => part == "__MACOSX",
        _ => false,
    });
    let Some(file_name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    !hidden_by_macos
        && !file_name.starts_with("._")
        && path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case(extension))
}

/// Whether the start of the decompressed stream holds anything but zeros: an empty tar is all
/// zero blocks, gzip over some other file is not.
fn holds_data(archive: &[u8]) -> bool {
    let mut head = Vec::new();
    let _ = MultiGzDecoder::new(archive)
        .take(1 << 20)
        .read_to_end(&mut head);
    head.iter().any(|&b| b != 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::GzEncoder;
    use std::io::Write;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    fn tar_gz(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        for (path, bytes) in files {
            // Raw name bytes: the tar crate refuses to write `..` itself, uploads may hold it.
            let mut header = tar::Header::new_gnu();
            header.as_gnu_mut().unwrap().name[..path.len()].copy_from_slice(path.as_bytes());
            header.set_size(bytes.len() as u64);
            header.set_mode(0o644);
            header.set_cksum();
            builder.append(&header, *bytes).unwrap();
        }
        gzip(&builder.into_inner().unwrap())
    }

    #[test]
    fn a_zip_bomb_stops_at_the_unpacked_limit() {
        let archive = tar_gz(&[("big.bin", &vec![0u8; 1 << 20]), ("m.onnx", b"x")]);
        let limits = Limits {
            max_unpacked_bytes: 64 << 10,
            max_entries: 10,
        };
        let error = find_model(&archive, ModelFormat::Onnx, &limits)
            .err()
            .unwrap();
        assert!(
            error.reason.contains("unpacks to more than"),
            "{}",
            error.reason
        );
    }

    #[test]
    fn too_many_entries_are_refused() {
        let files: Vec<(String, Vec<u8>)> =
            (0..20).map(|i| (format!("f{i}.txt"), vec![1u8])).collect();
        let refs: Vec<(&str, &[u8])> = files
            .iter()
            .map(|(p, b)| (p.as_str(), b.as_slice()))
            .collect();
        let limits = Limits {
            max_unpacked_bytes: 1 << 30,
            max_entries: 5,
        };
        let error = find_model(&tar_gz(&refs), ModelFormat::Onnx, &limits)
            .err()
            .unwrap();
        assert!(
            error.reason.contains("more than 5 entries"),
            "{}",
            error.reason
        );
    }

    #[test]
    fn macos_resource_forks_and_folders_are_not_models() {
        let archive = tar_gz(&[
            ("__MACOSX/model/._net.onnx", b"fork"),
            ("model/._net.onnx", b"fork"),
            ("model/net.ONNX", b"the model"),
        ]);
        let file = find_model(&archive, ModelFormat::Onnx, &LIMITS)
            .ok()
            .unwrap();
        assert_eq!(file.path, "model/net.ONNX");
        assert_eq!(file.bytes, b"the model");
    }

    #[test]
    fn traversing_paths_are_only_names() {
        let archive = tar_gz(&[("../../etc/graph.pb", b"g")]);
        let file = find_model(&archive, ModelFormat::TensorflowFrozenGraph, &LIMITS)
            .ok()
            .unwrap();
        assert_eq!(file.path, "../../etc/graph.pb");
    }

    #[test]
    fn a_truncated_gzip_is_named_as_such() {
        let archive = tar_gz(&[("m.onnx", &vec![7u8; 100_000])]);
        let error = find_model(&archive[..archive.len() / 2], ModelFormat::Onnx, &LIMITS)
            .err()
            .unwrap();
        assert!(
            error.reason.contains("not a valid gzip stream"),
            "{}",
            error.reason
        );
    }
}
