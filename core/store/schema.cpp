#include "schema.h"

namespace likeness {

namespace {

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
    };
    return steps;
}

int latestSchemaVersion()
{
    return int(schemaSteps().size());
}

} // namespace likeness
