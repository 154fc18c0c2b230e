-- Files an admin uploaded for one worker task template (libraries, styles, images, fonts), served
-- same-origin at /template-assets/<sha256>/<name>. `replaces_url`, when set, is the outside URL
-- (a CDN's) the template names and Loupe rewrites to this file. Gone with the template.
CREATE TABLE template_assets (
    id               INTEGER PRIMARY KEY,
    human_task_ui_id INTEGER NOT NULL REFERENCES human_task_uis (id) ON DELETE CASCADE,
    name             TEXT    NOT NULL,
    content_type     TEXT    NOT NULL,
    bytes            BLOB    NOT NULL,
    sha256           TEXT    NOT NULL,
    size             INTEGER NOT NULL,
    replaces_url     TEXT,
    uploaded_by      TEXT    NOT NULL,
    uploaded_at      INTEGER NOT NULL,
    UNIQUE (human_task_ui_id, name),
    UNIQUE (human_task_ui_id, replaces_url)
);
CREATE INDEX template_assets_by_sha256 ON template_assets (sha256, name);

-- Origins (scheme://host[:port]) one template's frame may load scripts, styles, images, media and
-- fonts from. None by default; each is an admin's reviewed decision.
CREATE TABLE template_origins (
    id               INTEGER PRIMARY KEY,
    human_task_ui_id INTEGER NOT NULL REFERENCES human_task_uis (id) ON DELETE CASCADE,
    origin           TEXT    NOT NULL,
    added_by         TEXT    NOT NULL,
    added_at         INTEGER NOT NULL,
    UNIQUE (human_task_ui_id, origin)
);

-- Who added or removed which asset or origin of a template, and when. Lives as long as the
-- template.
CREATE TABLE template_changes (
    id               INTEGER PRIMARY KEY,
    human_task_ui_id INTEGER NOT NULL REFERENCES human_task_uis (id) ON DELETE CASCADE,
    action           TEXT    NOT NULL,
    subject          TEXT    NOT NULL,
    actor            TEXT    NOT NULL,
    at               INTEGER NOT NULL
);
CREATE INDEX template_changes_by_ui ON template_changes (human_task_ui_id, id);
