//! The output store against a temporary directory and against a real S3-compatible server
//! (moto's server mode, installed into `.venv` by `scripts/setup.sh`'s `ensure_python_test_tools`).

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use bytes::Bytes;
use loupe_engine::output::writer::{OutputStore, OutputStoreConfig, OutputStoreError};

const JSON: &str = "application/json";
const OUTPUT: &[u8] = br#"{"flowDefinitionArn":"arn:aws:sagemaker:us-west-2:111122223333:flow-definition/flow","humanAnswers":[]}"#;
const KEY: &str = "prefix/flow/2019/11/14/17/37/36/loop/output.json";

fn output() -> Bytes {
    Bytes::from_static(OUTPUT)
}

// ---------------------------------------------------------------------------------------------
// Directory store

/// A store rooted at `<tmp>/root`, so a test can check that nothing lands beside the root.
fn directory_store() -> (tempfile::TempDir, PathBuf, OutputStore) {
    let tmp = tempfile::tempdir().expect("temporary directory");
    let root = tmp.path().join("root");
    let store = OutputStore::new(OutputStoreConfig::Directory { root: root.clone() })
        .expect("directory store");
    (tmp, root, store)
}

fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn directory_put_then_get_round_trips_at_root_bucket_key() {
    let (_tmp, root, store) = directory_store();
    let uri = format!("s3://bucket/{KEY}");
    store.put(&uri, output(), JSON).await.unwrap();

    assert_eq!(store.get(&uri).await.unwrap(), Some(output()));
    let file = root.join("bucket").join(KEY);
    assert_eq!(std::fs::read(&file).unwrap(), OUTPUT);
    // Written through a staging file renamed into place: no leftovers beside the output.
    assert_eq!(file_names(file.parent().unwrap()), ["output.json"]);
}

#[tokio::test]
async fn directory_put_of_identical_bytes_again_succeeds_and_later_bytes_replace() {
    let (_tmp, root, store) = directory_store();
    let uri = format!("s3://bucket/{KEY}");
    store.put(&uri, output(), JSON).await.unwrap();
    store.put(&uri, output(), JSON).await.unwrap();
    assert_eq!(store.get(&uri).await.unwrap(), Some(output()));

    store
        .put(&uri, Bytes::from_static(b"{}"), JSON)
        .await
        .unwrap();
    assert_eq!(
        store.get(&uri).await.unwrap(),
        Some(Bytes::from_static(b"{}"))
    );
    let dir = root.join("bucket").join(KEY);
    assert_eq!(file_names(dir.parent().unwrap()), ["output.json"]);
}

#[tokio::test]
async fn directory_creates_nested_directories_per_bucket() {
    let (_tmp, root, store) = directory_store();
    let deep = "s3://bucket-one/a/b/c/d/e/f/output.json";
    let other = "s3://bucket.two/output.json";
    store.put(deep, output(), JSON).await.unwrap();
    store
        .put(other, Bytes::from_static(b"[]"), JSON)
        .await
        .unwrap();

    assert_eq!(file_names(&root), ["bucket-one", "bucket.two"]);
    assert!(root.join("bucket-one/a/b/c/d/e/f/output.json").is_file());
    assert_eq!(store.get(deep).await.unwrap(), Some(output()));
    assert_eq!(
        store.get(other).await.unwrap(),
        Some(Bytes::from_static(b"[]"))
    );
}

#[tokio::test]
async fn directory_rejects_uris_that_would_escape_the_root() {
    let (tmp, root, store) = directory_store();
    for uri in [
        "s3://bucket/../escape.json",
        "s3://bucket/a/../../../escape.json",
        "s3://bucket//escape.json",
        "s3://bucket/./escape.json",
    ] {
        let err = store.put(uri, output(), JSON).await.unwrap_err();
        assert!(
            matches!(err, OutputStoreError::InvalidKey { .. }),
            "{uri}: {err}"
        );
        let err = store.get(uri).await.unwrap_err();
        assert!(
            matches!(err, OutputStoreError::InvalidKey { .. }),
            "{uri}: {err}"
        );
    }
    for uri in ["s3://../escape.json", "s3://.../escape.json"] {
        let err = store.put(uri, output(), JSON).await.unwrap_err();
        assert!(
            matches!(err, OutputStoreError::InvalidBucket { .. }),
            "{uri}: {err}"
        );
    }
    assert_eq!(file_names(tmp.path()), ["root"]);
    assert!(file_names(&root).is_empty());
}

#[tokio::test]
async fn directory_get_of_a_missing_object_is_none() {
    let (_tmp, _root, store) = directory_store();
    assert_eq!(store.get("s3://bucket/nothing.json").await.unwrap(), None);
    store
        .put("s3://bucket/dir/output.json", output(), JSON)
        .await
        .unwrap();
    assert_eq!(store.get("s3://bucket/dir/other.json").await.unwrap(), None);
    // A "directory" is a key prefix, not an object.
    assert_eq!(store.get("s3://bucket/dir").await.unwrap(), None);
}

// ---------------------------------------------------------------------------------------------
// S3 store against moto

/// A running moto server, killed when the last test using it lets go.
struct S3Server {
    child: Child,
    port: u16,
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The server executable: `LOUPE_TEST_S3_SERVER` (set by `scripts/test`), else the project's
/// `.venv`. Missing is a failure, not a skip, so CI cannot pass without testing S3.
fn server_executable() -> PathBuf {
    let exe = std::env::var_os("LOUPE_TEST_S3_SERVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/moto_server"));
    assert!(
        exe.is_file(),
        "no S3 test server at {}: run scripts/test, or install it from the repository root with \
         `bash -c 'source scripts/setup.sh && ensure_python_test_tools'` (or point \
         LOUPE_TEST_S3_SERVER at a moto_server)",
        exe.display()
    );
    exe
}

/// Tests share one server while any of them runs; each uses buckets of its own.
fn s3_server() -> Arc<S3Server> {
    static SERVER: Mutex<Weak<S3Server>> = Mutex::new(Weak::new());
    let mut slot = SERVER.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(server) = slot.upgrade() {
        return server;
    }
    let server = Arc::new(start_s3_server());
    *slot = Arc::downgrade(&server);
    server
}

fn start_s3_server() -> S3Server {
    let exe = server_executable();
    // The port is free when we look; another process may take it before moto binds, so retry.
    for _ in 0..3 {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(&exe)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", exe.display()));
        let mut server = S3Server { child, port };
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if server.child.try_wait().expect("server status").is_some() {
                break;
            }
            if http(port, "GET", "/", &[]).is_ok() {
                return server;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = server.child.kill();
    }
    panic!("{} did not start answering on 127.0.0.1", exe.display());
}

/// One HTTP/1.1 request without a body; returns the status and the header lines. Enough for
/// moto, which needs no signature, and keeps an HTTP client out of the engine's dependencies.
fn http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n"
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes())?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    let response = String::from_utf8_lossy(&response);
    let head = response.split("\r\n\r\n").next().unwrap_or_default();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("not an HTTP response: {head:?}")))?;
    Ok((status, head.to_owned()))
}

/// Moto reads anonymous requests as public access and refuses objects to them; any
/// `Authorization` header counts as signed in, as moto does not check signatures.
const SIGNED_IN: (&str, &str) = (
    "Authorization",
    "AWS4-HMAC-SHA256 Credential=test/20191114/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0",
);

/// A fresh bucket, made with a plain `PUT /bucket` (object_store cannot create buckets).
fn create_bucket(server: &S3Server) -> String {
    let bucket = format!("loupe-{}", uuid::Uuid::new_v4().simple());
    let (status, head) =
        http(server.port, "PUT", &format!("/{bucket}"), &[SIGNED_IN]).expect("create bucket");
    assert_eq!(status, 200, "creating bucket {bucket}: {head}");
    bucket
}

fn s3_store(server: &S3Server) -> OutputStore {
    OutputStore::new(OutputStoreConfig::S3 {
        endpoint: format!("http://127.0.0.1:{}", server.port),
        region: "us-east-1".into(),
        access_key_id: "test".into(),
        secret_access_key: "test".into(),
        allow_http: true,
    })
    .expect("S3 store")
}

#[tokio::test]
async fn s3_put_then_get_round_trips_in_each_bucket() {
    let server = s3_server();
    let (first, second) = (create_bucket(&server), create_bucket(&server));
    let store = s3_store(&server);

    let a = format!("s3://{first}/{KEY}");
    let b = format!("s3://{second}/{KEY}");
    store.put(&a, output(), JSON).await.unwrap();
    store
        .put(&b, Bytes::from_static(b"{}"), JSON)
        .await
        .unwrap();

    assert_eq!(store.get(&a).await.unwrap(), Some(output()));
    assert_eq!(
        store.get(&b).await.unwrap(),
        Some(Bytes::from_static(b"{}"))
    );
}

#[tokio::test]
async fn s3_put_of_identical_bytes_again_succeeds() {
    let server = s3_server();
    let bucket = create_bucket(&server);
    let store = s3_store(&server);
    let uri = format!("s3://{bucket}/{KEY}");

    store.put(&uri, output(), JSON).await.unwrap();
    store.put(&uri, output(), JSON).await.unwrap();
    assert_eq!(store.get(&uri).await.unwrap(), Some(output()));
}

#[tokio::test]
async fn s3_put_stores_the_content_type() {
    let server = s3_server();
    let bucket = create_bucket(&server);
    let store = s3_store(&server);

    for (key, content_type) in [("a/output.json", JSON), ("b/output.json", "text/plain")] {
        store
            .put(&format!("s3://{bucket}/{key}"), output(), content_type)
            .await
            .unwrap();
        let (status, head) = http(
            server.port,
            "HEAD",
            &format!("/{bucket}/{key}"),
            &[SIGNED_IN],
        )
        .unwrap();
        assert_eq!(status, 200, "{head}");
        let stored = head.lines().find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-type")
                .then(|| value.trim().to_owned())
        });
        assert_eq!(stored.as_deref(), Some(content_type), "{head}");
    }
}

#[tokio::test]
async fn s3_get_of_a_missing_object_or_bucket_is_none() {
    let server = s3_server();
    let bucket = create_bucket(&server);
    let store = s3_store(&server);

    assert_eq!(
        store
            .get(&format!("s3://{bucket}/nothing.json"))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .get("s3://no-such-bucket-here/output.json")
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn s3_put_into_a_missing_bucket_fails() {
    let server = s3_server();
    let store = s3_store(&server);
    let err = store
        .put("s3://no-such-bucket-here/output.json", output(), JSON)
        .await
        .unwrap_err();
    assert!(matches!(err, OutputStoreError::Backend(_)), "{err}");
}

#[tokio::test]
async fn s3_rejects_malformed_uris_before_any_request() {
    let server = s3_server();
    let store = s3_store(&server);
    let cases = [
        ("https://bucket.s3.amazonaws.com/out.json", "WrongScheme"),
        ("s3:///output.json", "MissingBucket"),
        ("s3://Not_A_Bucket/output.json", "InvalidBucket"),
        ("s3://bucket/", "EmptyKey"),
        ("s3://bucket", "EmptyKey"),
        ("s3://bucket/a/../output.json", "InvalidKey"),
    ];
    for (uri, expected) in cases {
        let err = store.put(uri, output(), JSON).await.unwrap_err();
        assert_eq!(variant(&err), expected, "put {uri}: {err}");
        let err = store.get(uri).await.unwrap_err();
        assert_eq!(variant(&err), expected, "get {uri}: {err}");
    }
}

fn variant(err: &OutputStoreError) -> &'static str {
    match err {
        OutputStoreError::WrongScheme { .. } => "WrongScheme",
        OutputStoreError::MissingBucket { .. } => "MissingBucket",
        OutputStoreError::InvalidBucket { .. } => "InvalidBucket",
        OutputStoreError::EmptyKey { .. } => "EmptyKey",
        OutputStoreError::InvalidKey { .. } => "InvalidKey",
        OutputStoreError::CreateRoot { .. } => "CreateRoot",
        OutputStoreError::Backend(_) => "Backend",
    }
}
