#include "schema.h"

namespace likeness {

namespace {

const char *const LabelsByLabelIndex =
    "CREATE INDEX image_labels_by_label ON image_labels(label_id, image_id)";
const char *const CountLabelsIn =
    "CREATE TRIGGER label_counts_in AFTER INSERT ON image_labels BEGIN"
    " INSERT INTO label_counts(label_id, images) VALUES (NEW.label_id, 1)"
    " ON CONFLICT(label_id) DO UPDATE SET images = images + 1; END";
const char *const CountLabelsOut =
    "CREATE TRIGGER label_counts_out AFTER DELETE ON image_labels BEGIN"
    " UPDATE label_counts SET images = images - 1 WHERE label_id = OLD.label_id; END";
const char *const CountLabelsMoved =
    "CREATE TRIGGER label_counts_moved AFTER UPDATE OF label_id ON image_labels BEGIN"
    " UPDATE label_counts SET images = images - 1 WHERE label_id = OLD.label_id;"
    " INSERT INTO label_counts(label_id, images) VALUES (NEW.label_id, 1)"
    " ON CONFLICT(label_id) DO UPDATE SET images = images + 1; END";

// Schema 1: the tables of the first release. Version 0 of the classic descriptor and the
// current-model setting are rows every project starts with.
const char *const CreateTables[] = {
    "CREATE TABLE images ("
    " id INTEGER PRIMARY KEY,"
    " path TEXT NOT NULL UNIQUE,"
    " content_hash TEXT NOT NULL DEFAULT '',"
    " width INTEGER NOT NULL DEFAULT 0,"
    " height INTEGER NOT NULL DEFAULT 0,"
    " bytes INTEGER NOT NULL DEFAULT 0,"
    " mtime INTEGER NOT NULL DEFAULT 0,"
    " status TEXT NOT NULL,"
    " error TEXT NOT NULL DEFAULT '',"
    " added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))",
    "CREATE INDEX images_hash ON images(content_hash)",
    "CREATE INDEX images_status ON images(status, id)",
    "CREATE TABLE annotators (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
    "CREATE TABLE labels (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
    " created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))",
    "CREATE TABLE image_labels ("
    " image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,"
    " label_id INTEGER NOT NULL REFERENCES labels(id) ON DELETE CASCADE,"
    " source TEXT NOT NULL,"
    " annotator_id INTEGER REFERENCES annotators(id),"
    " created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),"
    " PRIMARY KEY (image_id, label_id)) WITHOUT ROWID",
    "CREATE INDEX image_labels_by_label ON image_labels(label_id, image_id)",
    "CREATE TABLE triplets ("
    " id INTEGER PRIMARY KEY,"
    " anchor_id INTEGER NOT NULL REFERENCES images(id),"
    " first_id INTEGER NOT NULL REFERENCES images(id),"
    " second_id INTEGER NOT NULL REFERENCES images(id),"
    " choice TEXT NOT NULL CHECK (choice IN ('first','second','tie','skip')),"
    " annotator_id INTEGER REFERENCES annotators(id),"
    " sampler TEXT NOT NULL DEFAULT '',"
    " model_version INTEGER NOT NULL DEFAULT 0,"
    " response_ms INTEGER NOT NULL DEFAULT 0,"
    " created_at TEXT NOT NULL)",
    "CREATE INDEX triplets_anchor ON triplets(anchor_id)",
    "CREATE TABLE models ("
    " version INTEGER PRIMARY KEY,"
    " parent INTEGER NOT NULL DEFAULT 0,"
    " backbone TEXT NOT NULL,"
    " status TEXT NOT NULL,"
    " settings TEXT NOT NULL DEFAULT '{}',"
    " metrics TEXT NOT NULL DEFAULT '{}',"
    " created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))",
    "INSERT INTO models(version, backbone, status) VALUES (0, 'classic', 'ready')",
    "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "INSERT INTO settings(key, value) VALUES ('current_model', '0')",
};

// Schema 2: labels get a free-text description (what the label means, for annotators).
const char *const LabelDescriptions[] = {
    "ALTER TABLE labels ADD COLUMN description TEXT NOT NULL DEFAULT ''",
};

// Schema 3: label assignments shrink to (image, label, change) so that 100 million of them fit
// in about 25 bytes each. Who made an assignment, how and when is kept once per change (one
// user action or one import) in label_changes; removed assignments are kept in label_removals.
// label_counts holds each label's number of images, kept exact by triggers.
const char *const CompactLabels[] = {
    "CREATE TABLE label_changes ("
    " id INTEGER PRIMARY KEY,"
    " action TEXT NOT NULL CHECK (action IN ('add','remove','replace')),"
    " source TEXT NOT NULL,"
    " annotator_id INTEGER REFERENCES annotators(id),"
    " assignments INTEGER NOT NULL DEFAULT 0,"
    " created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))",
    "INSERT INTO label_changes(action, source, annotator_id, assignments, created_at)"
    " SELECT 'add', source, annotator_id, count(*), min(created_at) FROM image_labels"
    " GROUP BY source, annotator_id ORDER BY min(created_at)",
    "CREATE TABLE image_labels_compact ("
    " image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,"
    " label_id INTEGER NOT NULL REFERENCES labels(id) ON DELETE CASCADE,"
    " change_id INTEGER NOT NULL REFERENCES label_changes(id),"
    " PRIMARY KEY (image_id, label_id)) WITHOUT ROWID",
    "INSERT INTO image_labels_compact(image_id, label_id, change_id)"
    " SELECT il.image_id, il.label_id, c.id FROM image_labels il JOIN label_changes c"
    " ON c.source = il.source AND c.annotator_id IS il.annotator_id",
    "DROP TABLE image_labels",
    "ALTER TABLE image_labels_compact RENAME TO image_labels",
    LabelsByLabelIndex,
    "CREATE TABLE label_removals ("
    " change_id INTEGER NOT NULL REFERENCES label_changes(id),"
    " image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,"
    " label_id INTEGER NOT NULL REFERENCES labels(id) ON DELETE CASCADE,"
    " added_by INTEGER REFERENCES label_changes(id))",
    "CREATE INDEX label_removals_by_change ON label_removals(change_id)",
    "CREATE TABLE label_counts ("
    " label_id INTEGER PRIMARY KEY REFERENCES labels(id) ON DELETE CASCADE,"
    " images INTEGER NOT NULL)",
    "INSERT INTO label_counts(label_id, images)"
    " SELECT label_id, count(*) FROM image_labels GROUP BY label_id",
    CountLabelsIn,
    CountLabelsOut,
    CountLabelsMoved,
};

template<std::size_t N>
QStringList statements(const char *const (&list)[N])
{
    QStringList result;
    for (const char *statement : list) {
        result.append(QString::fromLatin1(statement));
    }
    return result;
}

} // namespace

const QVector<SchemaStep> &schemaSteps()
{
    static const QVector<SchemaStep> steps = {
        {0, statements(CreateTables)},
        {1, statements(LabelDescriptions)},
        {2, statements(CompactLabels)},
    };
    return steps;
}

const BulkLabelStatements &bulkLabelStatements()
{
    static const BulkLabelStatements bulk = {
        {QStringLiteral("DROP INDEX image_labels_by_label"),
         QStringLiteral("DROP TRIGGER label_counts_in"),
         QStringLiteral("DROP TRIGGER label_counts_out"),
         QStringLiteral("DROP TRIGGER label_counts_moved")},
        {QString::fromLatin1(LabelsByLabelIndex), QString::fromLatin1(CountLabelsIn),
         QString::fromLatin1(CountLabelsOut), QString::fromLatin1(CountLabelsMoved)},
    };
    return bulk;
}

int latestSchemaVersion()
{
    return int(schemaSteps().size());
}

} // namespace likeness
