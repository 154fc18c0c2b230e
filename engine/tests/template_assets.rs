//! A template's assets, allowed origins and their trail, through `Reviews` and the store, on a
//! fresh SQLite file and a fresh PostgreSQL database.

use std::sync::Arc;

use loupe_engine::domain::arns::Account;
use loupe_engine::domain::clock::{ManualClock, Timestamp};
use loupe_engine::domain::flows::TaskLimits;
use loupe_engine::domain::names::HumanTaskUiName;
use loupe_engine::domain::template_assets::{
    AssetName, ChangeAction, MAX_ASSET_BYTES, MAX_ASSETS_PER_TEMPLATE, MAX_ORIGINS_PER_TEMPLATE,
};
use loupe_engine::services::{AssetUpload, ReviewError, Reviews};
use loupe_engine::store::{Backend, Store};
use loupe_engine::test_on_both_backends;
use loupe_engine::testing::{TestDatabase, task_ui_request};
use serde_json::json;

const T0: Timestamp = Timestamp::from_millis(1_800_000_000_000);
const ADMIN: &str = "admin@loupe.test";

struct Bench {
    _db: TestDatabase,
    store: Arc<dyn Store>,
    reviews: Reviews,
    ui: HumanTaskUiName,
}

impl Bench {
    async fn new(backend: Backend) -> Self {
        let db = TestDatabase::create(backend).await;
        let (store, _) = db.open().await;
        let reviews = Reviews::new(
            store.clone(),
            Arc::new(ManualClock::new(T0)),
            Account::new("us-east-1", "111122223333").unwrap(),
            TaskLimits::default(),
        );
        reviews
            .create_task_ui(&task_ui_request("sorter", "<crowd-form></crowd-form>"))
            .await
            .unwrap();
        Self {
            _db: db,
            store,
            reviews,
            ui: HumanTaskUiName::parse("sorter").unwrap(),
        }
    }

    async fn upload(
        &self,
        name: &str,
        replaces: Option<&str>,
        bytes: Vec<u8>,
    ) -> Result<loupe_engine::domain::template_assets::TemplateAsset, ReviewError> {
        self.reviews
            .upload_template_asset(
                &self.ui,
                AssetUpload {
                    name,
                    replaces_url: replaces,
                    bytes,
                    actor: ADMIN,
                },
            )
            .await
    }
}

/// The member a refusal names, and its message.
fn refusal(error: ReviewError) -> (&'static str, String) {
    match error {
        ReviewError::Validation(v) => (v.member.unwrap_or("-"), v.message),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

async fn assets_are_stored_served_by_digest_and_deleted(backend: Backend) {
    let bench = Bench::new(backend).await;
    let script = b"window.sorter = 1;".to_vec();
    let asset = bench
        .upload(
            "sorter.min.js",
            Some("https://cdn.example.com/sorter@1/sorter.min.js"),
            script.clone(),
        )
        .await
        .unwrap();
    assert_eq!(asset.size, script.len() as i64);
    assert_eq!(asset.content_type, "text/javascript; charset=utf-8");
    assert_eq!(
        asset.sha256,
        loupe_engine::domain::digest::sha256_hex(&script, 32)
    );
    assert_eq!(
        asset.path(),
        format!("/template-assets/{}/sorter.min.js", asset.sha256)
    );
    let png = vec![0x89, b'P', b'N', b'G', 0, 1, 2];
    bench.upload("logo.png", None, png.clone()).await.unwrap();

    let listed = bench.reviews.template_assets(&bench.ui).await.unwrap();
    let names: Vec<&str> = listed.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["logo.png", "sorter.min.js"]);
    assert_eq!(listed[1], asset);
    assert_eq!(listed[1].uploaded_by, ADMIN);
    assert_eq!(listed[1].uploaded_at, T0);

    let name = AssetName::parse("sorter.min.js").unwrap();
    let (kind, bytes) = bench
        .reviews
        .template_asset_bytes(&asset.sha256, &name)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kind, "text/javascript; charset=utf-8");
    assert_eq!(bytes, script);
    // The digest and the name must both match.
    let other = AssetName::parse("other.js").unwrap();
    assert!(
        bench
            .reviews
            .template_asset_bytes(&asset.sha256, &other)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        bench
            .reviews
            .template_asset_bytes(&"0".repeat(64), &name)
            .await
            .unwrap()
            .is_none()
    );

    // The renderer's view: by name, and the URL it replaces.
    let ui = bench.reviews.find_task_ui(&bench.ui).await.unwrap();
    let around = bench.reviews.template_surroundings(&ui, "").await.unwrap();
    assert_eq!(around.assets.url_of("sorter.min.js").unwrap(), asset.path());
    assert!(around.origins.is_empty());

    bench
        .reviews
        .delete_template_asset(&bench.ui, "sorter.min.js", ADMIN)
        .await
        .unwrap();
    assert!(
        bench
            .reviews
            .template_asset_bytes(&asset.sha256, &name)
            .await
            .unwrap()
            .is_none()
    );
    assert!(matches!(
        bench
            .reviews
            .delete_template_asset(&bench.ui, "sorter.min.js", ADMIN)
            .await,
        Err(ReviewError::NotFound(_))
    ));
    let trail: Vec<(ChangeAction, String)> = bench
        .reviews
        .template_changes(&bench.ui)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.action, c.subject))
        .collect();
    assert_eq!(
        trail,
        [
            (ChangeAction::AssetDeleted, "sorter.min.js".to_owned()),
            (ChangeAction::AssetUploaded, "logo.png".to_owned()),
            (ChangeAction::AssetUploaded, "sorter.min.js".to_owned()),
        ]
    );
}

async fn uploads_past_a_rule_or_a_limit_are_refused_at_their_field(backend: Backend) {
    let bench = Bench::new(backend).await;
    let replaced = "https://cdn.example.com/a.js";
    bench
        .upload("a.js", Some(replaced), b"1".to_vec())
        .await
        .unwrap();
    let cases = [
        (
            bench.upload("page.html", None, b"<p>".to_vec()).await,
            "Name",
        ),
        (bench.upload("a.js", None, b"2".to_vec()).await, "Name"),
        (
            bench.upload("b.js", Some(replaced), b"2".to_vec()).await,
            "ReplacesUrl",
        ),
        (
            bench.upload("c.js", Some("cdn/c.js"), b"2".to_vec()).await,
            "ReplacesUrl",
        ),
        (bench.upload("d.js", None, Vec::new()).await, "File"),
        (
            bench
                .upload("e.png", None, vec![0; MAX_ASSET_BYTES + 1])
                .await,
            "File",
        ),
    ];
    for (result, member) in cases {
        assert_eq!(refusal(result.unwrap_err()).0, member);
    }
    // 20 MiB per template: four files of 5 MiB fit with the first, a fifth does not.
    for i in 0..3 {
        bench
            .upload(&format!("big{i}.png"), None, vec![i as u8; MAX_ASSET_BYTES])
            .await
            .unwrap();
    }
    let (member, message) = refusal(
        bench
            .upload("big3.png", None, vec![3; MAX_ASSET_BYTES])
            .await
            .unwrap_err(),
    );
    assert_eq!(member, "File");
    assert!(message.contains("20 MiB"), "{message}");
    // 50 assets per template.
    let existing = bench
        .reviews
        .template_assets(&bench.ui)
        .await
        .unwrap()
        .len();
    for i in existing..MAX_ASSETS_PER_TEMPLATE {
        bench
            .upload(&format!("s{i}.css"), None, b"a{}".to_vec())
            .await
            .unwrap();
    }
    let (member, message) = refusal(
        bench
            .upload("one-more.css", None, b"a{}".to_vec())
            .await
            .unwrap_err(),
    );
    assert_eq!(member, "File");
    assert!(message.contains("50"), "{message}");
    assert_eq!(
        bench
            .reviews
            .template_assets(&bench.ui)
            .await
            .unwrap()
            .len(),
        MAX_ASSETS_PER_TEMPLATE
    );
    // Refusals leave no trail.
    let uploads = bench.reviews.template_changes(&bench.ui).await.unwrap();
    assert_eq!(uploads.len(), MAX_ASSETS_PER_TEMPLATE);
}

async fn origins_are_allowed_removed_and_audited(backend: Backend) {
    let bench = Bench::new(backend).await;
    let allowed = bench
        .reviews
        .allow_template_origin(&bench.ui, "HTTPS://CDN.example.com:443", ADMIN)
        .await
        .unwrap();
    assert_eq!(allowed.as_str(), "https://cdn.example.com");
    // Again: nothing changes, nothing is recorded.
    bench
        .reviews
        .allow_template_origin(&bench.ui, "https://cdn.example.com", ADMIN)
        .await
        .unwrap();
    bench
        .reviews
        .allow_template_origin(&bench.ui, "http://127.0.0.1:4100", "other@loupe.test")
        .await
        .unwrap();
    for bad in [
        "https://cdn.example.com/x.js",
        "https://*.example.com",
        "http://cdn.example.com",
    ] {
        let (member, _) = refusal(
            bench
                .reviews
                .allow_template_origin(&bench.ui, bad, ADMIN)
                .await
                .unwrap_err(),
        );
        assert_eq!(member, "Origin", "{bad}");
    }
    let origins = bench.reviews.template_origins(&bench.ui).await.unwrap();
    let listed: Vec<(&str, &str)> = origins
        .iter()
        .map(|o| (o.origin.as_str(), o.added_by.as_str()))
        .collect();
    assert_eq!(
        listed,
        [
            ("https://cdn.example.com", ADMIN),
            ("http://127.0.0.1:4100", "other@loupe.test")
        ]
    );
    let ui = bench.reviews.find_task_ui(&bench.ui).await.unwrap();
    let around = bench.reviews.template_surroundings(&ui, "").await.unwrap();
    assert_eq!(around.origins.len(), 2);

    bench
        .reviews
        .remove_template_origin(&bench.ui, "https://cdn.example.com", ADMIN)
        .await
        .unwrap();
    assert!(matches!(
        bench
            .reviews
            .remove_template_origin(&bench.ui, "https://cdn.example.com", ADMIN)
            .await,
        Err(ReviewError::NotFound(_))
    ));
    let trail: Vec<(ChangeAction, String, String)> = bench
        .reviews
        .template_changes(&bench.ui)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.action, c.subject, c.actor))
        .collect();
    assert_eq!(
        trail,
        [
            (
                ChangeAction::OriginRemoved,
                "https://cdn.example.com".to_owned(),
                ADMIN.to_owned()
            ),
            (
                ChangeAction::OriginAdded,
                "http://127.0.0.1:4100".to_owned(),
                "other@loupe.test".to_owned()
            ),
            (
                ChangeAction::OriginAdded,
                "https://cdn.example.com".to_owned(),
                ADMIN.to_owned()
            ),
        ]
    );
    // At most 20 per template.
    for i in 1..MAX_ORIGINS_PER_TEMPLATE {
        bench
            .reviews
            .allow_template_origin(&bench.ui, &format!("https://cdn{i}.example.com"), ADMIN)
            .await
            .unwrap();
    }
    let (member, message) = refusal(
        bench
            .reviews
            .allow_template_origin(&bench.ui, "https://one-more.example.com", ADMIN)
            .await
            .unwrap_err(),
    );
    assert_eq!(member, "Origin");
    assert!(message.contains("20"), "{message}");
}

async fn deleting_a_template_deletes_its_assets_origins_and_trail(backend: Backend) {
    let bench = Bench::new(backend).await;
    let asset = bench.upload("a.js", None, b"1".to_vec()).await.unwrap();
    bench
        .reviews
        .allow_template_origin(&bench.ui, "https://cdn.example.com", ADMIN)
        .await
        .unwrap();
    let old = bench.reviews.find_task_ui(&bench.ui).await.unwrap();
    bench.reviews.delete_task_ui(&bench.ui).await.unwrap();
    let name = AssetName::parse("a.js").unwrap();
    assert!(
        bench
            .reviews
            .template_asset_bytes(&asset.sha256, &name)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        bench
            .store
            .list_template_assets(old.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        bench
            .store
            .list_template_origins(old.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        bench
            .store
            .list_template_changes(old.id)
            .await
            .unwrap()
            .is_empty()
    );
    // A new template of the same name starts with nothing.
    bench
        .reviews
        .create_task_ui(&json!({"HumanTaskUiName": "sorter", "UiTemplate": {"Content": "<p>"}}))
        .await
        .unwrap();
    assert!(
        bench
            .reviews
            .template_assets(&bench.ui)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        bench
            .reviews
            .template_origins(&bench.ui)
            .await
            .unwrap()
            .is_empty()
    );
    // A template that is gone has nothing to change.
    let missing = HumanTaskUiName::parse("missing").unwrap();
    assert!(matches!(
        bench
            .reviews
            .upload_template_asset(
                &missing,
                AssetUpload {
                    name: "a.js",
                    replaces_url: None,
                    bytes: b"1".to_vec(),
                    actor: ADMIN
                }
            )
            .await,
        Err(ReviewError::NotFound(_))
    ));
}

async fn render_ui_template_uses_a_stored_templates_assets(backend: Backend) {
    let bench = Bench::new(backend).await;
    let replaced = "https://cdn.example.com/drag.js";
    let asset = bench
        .upload("drag.js", Some(replaced), b"1".to_vec())
        .await
        .unwrap();
    bench
        .reviews
        .create_task_ui(&task_ui_request(
            "with-assets",
            &format!(
                "<script src=\"{replaced}\"></script><script src=\"{{{{ 'drag.js' | template_asset }}}}\"></script>"
            ),
        ))
        .await
        .unwrap();
    let with_assets = HumanTaskUiName::parse("with-assets").unwrap();
    bench
        .reviews
        .upload_template_asset(
            &with_assets,
            AssetUpload {
                name: "drag.js",
                replaces_url: Some(replaced),
                bytes: b"1".to_vec(),
                actor: ADMIN,
            },
        )
        .await
        .unwrap();
    struct NoGrants;
    impl loupe_engine::templates::ReadGrants for NoGrants {
        fn grant(&self, _: &str) -> Result<String, String> {
            Err("none".into())
        }
    }
    let request = json!({
        "HumanTaskUiArn": "arn:aws:sagemaker:us-east-1:111122223333:human-task-ui/with-assets",
        "Task": {"Input": "{}"},
        "RoleArn": "arn:aws:iam::111122223333:role/a2i",
    });
    let rendered = bench
        .reviews
        .render_ui_template(&request, Arc::new(NoGrants), "http://loupe.test")
        .await
        .unwrap();
    assert!(rendered.errors.is_empty(), "{:?}", rendered.errors);
    let url = format!("http://loupe.test{}", asset.path());
    assert_eq!(
        rendered.content,
        format!("<script src=\"{url}\"></script><script src=\"{url}\"></script>")
    );
    // Inline templates have no assets: the filter says so.
    let inline = json!({
        "UiTemplate": {"Content": "{{ 'drag.js' | template_asset }}"},
        "Task": {"Input": "{}"},
        "RoleArn": "arn:aws:iam::111122223333:role/a2i",
    });
    let rendered = bench
        .reviews
        .render_ui_template(&inline, Arc::new(NoGrants), "http://loupe.test")
        .await
        .unwrap();
    assert_eq!(rendered.errors.len(), 1);
    assert!(
        rendered.errors[0].message.contains("\"drag.js\""),
        "{}",
        rendered.errors[0]
    );
}

test_on_both_backends!(
    assets_are_stored_served_by_digest_and_deleted,
    uploads_past_a_rule_or_a_limit_are_refused_at_their_field,
    origins_are_allowed_removed_and_audited,
    deleting_a_template_deletes_its_assets_origins_and_trail,
    render_ui_template_uses_a_stored_templates_assets,
);
