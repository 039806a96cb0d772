#pragma once

#include "result.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QString>
#include <QVector>

#include <memory>

namespace likeness {

// Status of an image file as last seen by the importer.
namespace ImageStatus {
inline const QString Ok = QStringLiteral("ok");
inline const QString Corrupt = QStringLiteral("corrupt");
inline const QString Unsupported = QStringLiteral("unsupported");
inline const QString Missing = QStringLiteral("missing");
} // namespace ImageStatus

// Where a label assignment came from.
namespace LabelSource {
inline const QString Human = QStringLiteral("human");
inline const QString Imported = QStringLiteral("imported");
inline const QString Suggestion = QStringLiteral("suggestion");
} // namespace LabelSource

struct ImageRecord
{
    qint64 id = 0;
    QString path;        // absolute, as given to the importer
    QString contentHash; // hex SHA-256 of the file's bytes
    int width = 0;       // upright pixel size (after EXIF orientation)
    int height = 0;
    qint64 bytes = 0;
    qint64 mtime = 0; // file modification time, ms since the epoch
    QString status; // an ImageStatus value
    QString error;  // why the file is not ok, in words a person can act on
};

struct LabelRecord
{
    qint64 id = 0;
    QString name;
    qint64 imageCount = 0;
};

// One user action or import that changed label assignments: who, how and when.
struct LabelChange
{
    qint64 id = 0;
    QString action;     // "add", "remove" or "replace" (CSV import: the labels of each image)
    QString source;     // a LabelSource value
    QString annotator;  // empty for imports
    qint64 assignments = 0; // assignments added or removed by it
    QDateTime createdAt;
};

// The annotator's answer to "which candidate is more similar to the anchor?".
enum class Choice { First, Second, Tie, Skip };
QString choiceName(Choice choice);
std::optional<Choice> choiceFromName(const QString &name);

struct Judgment
{
    qint64 id = 0;
    qint64 anchorId = 0;
    qint64 firstId = 0;
    qint64 secondId = 0;
    Choice choice = Choice::Skip;
    QString annotator;
    QString sampler;      // which proposal strategy asked this triplet
    int modelVersion = 0; // the model version that was current when it was asked
    qint64 responseMs = 0;
    QDateTime createdAt;
};

// What a version's metrics hold while it trains: the process that trains it, so that a run
// whose process died can be recognised as interrupted.
QJsonObject trainingProcessMarker();

struct ModelVersionRecord
{
    int version = 0;
    int parent = 0;
    QString backbone; // "classic" for version 0, "convnet" for trained versions
    QString status;   // "ready" or "failed"
    QJsonObject settings;
    QJsonObject metrics;
    QDateTime createdAt;
};

// A Likeness project: a folder holding project.sqlite (all human work), thumbs.sqlite (a
// rebuildable cache of thumbnails and model inputs) and per-version model, embedding and
// index files.
//
// Invariants of the store:
//  1. project.sqlite is the only file that holds human work; every other file in the folder
//     can be rebuilt from it and the image files.
//  2. Every write is one transaction; a single judgment or label change is committed before
//     the call returns (WAL, synchronous=NORMAL), so a crash loses nothing that was returned.
//  3. One Project object is one connection and belongs to the thread that opened it. Other
//     threads open their own Project on the same folder.
//  4. PRAGMA user_version holds the schema version; a newer one than this build knows is
//     refused, never opened. An older one is upgraded step by step (store/schema.h) in one
//     transaction, after a copy of the file is written beside it as
//     project.sqlite.bak-v<old version>.
//  5. Label names are trimmed and NFC-normalised; a name is stored once, exactly as written.
//  6. Version 0 is the classic descriptor and always exists; the current version is the one
//     the app's neighbours, suggestions and samplers use.
//  7. A project opened for writing holds project.lock in its folder (the owner's PID and
//     host) for as long as any Project object of the process has it open: the Project
//     objects of one process (one per thread) share it, another process is refused or opens
//     the project read-only. A lock left by a process that no longer runs on this host is
//     taken over.
class Project
{
public:
    static constexpr int SchemaVersion = 3;

    enum class OpenMode {
        ReadWrite, // takes the folder's lock; refused while another process holds it
        ReadOnly,  // takes no lock and never writes; every write fails with a reason
    };

    ~Project();
    Project(const Project &) = delete;
    Project &operator=(const Project &) = delete;

    // Creates a new, empty project folder (fails if it already holds a project).
    static Result<std::unique_ptr<Project>> create(const QString &folder);
    // Opens an existing project folder on the calling thread.
    static Result<std::unique_ptr<Project>> open(const QString &folder);
    static Result<std::unique_ptr<Project>> open(const QString &folder, OpenMode mode);
    static bool isProject(const QString &folder);
    // The process that holds the folder's lock, described for a person ("process 123 on
    // host"), or an empty string when no other process holds it.
    static QString lockOwner(const QString &folder);

    bool isReadOnly() const { return m_readOnly; }

    QString folder() const { return m_folder; }
    QString filePath(const QString &relative) const;
    QSqlDatabase database() const { return m_db; }
    QSqlDatabase cacheDatabase() const { return m_cache; }

    // Images.
    qint64 imageCount(const QString &status = {}) const;
    QVector<qint64> imageIds(const QString &status = {}) const; // ascending ids
    std::optional<ImageRecord> image(qint64 id) const;
    std::optional<ImageRecord> imageByPath(const QString &path) const;
    QVector<ImageRecord> images(qint64 offset, qint64 limit) const; // ordered by id
    QVector<ImageRecord> imagesUnder(const QString &folder) const;  // path starts with folder
    // Inserts or updates records by path, in one transaction; sets each record's id.
    Status upsertImages(QVector<ImageRecord> &records);
    // Gives an image whose file was moved its new path; its id, labels and judgments stay.
    // Fails when another image already has that path.
    Status moveImage(qint64 id, const QString &path);
    Status storeThumbnails(const QVector<qint64> &ids, const QVector<QByteArray> &thumbnails,
                           const QVector<QByteArray> &modelInputs);
    // Empty when thumbs.sqlite passes SQLite's quick check; else what is wrong with it.
    QString cacheProblem() const;
    // Puts thumbs.sqlite aside (as thumbs.sqlite.damaged) and starts an empty cache. Opening a
    // project does this by itself when the cache cannot be set up.
    Status resetCache();
    // Cached rows whose image no longer exists or now has other content (a full scan).
    QVector<qint64> staleThumbnails() const;
    Status removeThumbnails(const QVector<qint64> &ids);
    QByteArray thumbnail(qint64 imageId) const;  // JPEG or PNG bytes, empty when not cached
    QByteArray modelInput(qint64 imageId) const; // see imaging/decoder.h for the layout

    // Labels.
    static QString normalizedLabelName(const QString &name);
    Result<qint64> labelId(const QString &name, bool create);
    QVector<LabelRecord> labels() const; // with image counts, ordered by name
    // Every label's number of images as (label id, count), in no order: what a label list
    // refreshes after a change, without reading names again.
    QVector<QPair<qint64, qint64>> labelCounts() const;
    QStringList labelsOfImage(qint64 imageId) const;
    Status addLabel(const QVector<qint64> &imageIds, const QString &name,
                    const QString &source, const QString &annotator);
    // Removed assignments are kept in label_removals, with the change that removed them.
    Status removeLabel(const QVector<qint64> &imageIds, const QString &name,
                       const QString &annotator = {});
    // Makes the given images carry exactly the given labels (one transaction, one change).
    // Used by CSV import; labels an image already carries are left as they are.
    Status setImageLabels(const QHash<qint64, QStringList> &labelsByImage, const QString &source,
                          const QString &annotator);
    // Adds (image id, label id) pairs with no annotator, for bulk import, in one transaction
    // and one change; pairs already present are left as they are. Large loads suspend the
    // by-label index and count triggers while they insert (see bulkLabelStatements()).
    Status addLabelAssignments(const QVector<QPair<qint64, qint64>> &pairs,
                               const QString &source);
    // Every (image id, label id) pair, ordered by image id.
    QVector<QPair<qint64, qint64>> labelAssignments() const;
    qint64 labelAssignmentCount() const;
    QVector<LabelChange> labelChanges() const; // ordered by id, oldest first
    // Undoes one change as a new change (source "revert N"): the assignments it added are
    // removed, those it removed come back. Returns the new change's id (0 when nothing was
    // left to undo). Assignments changed again since keep their later state.
    Result<qint64> revertLabelChange(qint64 changeId, const QString &annotator = {});
    // Labels whose stored image count (label_counts) disagrees with their assignments; a
    // full scan of the assignments. recountLabels() rebuilds every count from them.
    QVector<qint64> miscountedLabels() const;
    Status recountLabels();

    // Judgments.
    Result<qint64> addJudgment(Judgment judgment);
    Status removeJudgment(qint64 judgmentId);
    Status restoreJudgment(const Judgment &judgment); // re-inserts with the same id (redo)
    QVector<Judgment> judgments() const; // ordered by id
    qint64 judgmentCount() const;

    // Model versions.
    int currentModelVersion() const;
    Status setCurrentModelVersion(int version);
    QVector<ModelVersionRecord> modelVersions() const;
    std::optional<ModelVersionRecord> modelVersion(int version) const;
    Result<int> addModelVersion(const ModelVersionRecord &record); // returns the new number
    Status updateModelVersion(int version, const QString &status, const QJsonObject &metrics);
    // Marks "training" versions whose training process has ended (killed, crashed) as
    // "interrupted". Called when a project opens; read-only projects are left as they are.
    void markInterruptedRuns();

    // Key/value settings stored with the project.
    QString setting(const QString &key, const QString &fallback = {}) const;
    Status setSetting(const QString &key, const QString &value);

    // Writes a consistent copy of project.sqlite to file (which must not exist yet), even
    // while other connections write; works on a read-only project too.
    Status backup(const QString &file) const;

    // Replaces the folder's project.sqlite with a backup made by backup(), after checking
    // that the backup is an undamaged project. Refused while any program (this one included)
    // has the folder open for writing. The replaced database is kept beside it as
    // project.sqlite.before-restore; embedding and index caches are removed (rebuilt later).
    static Status restore(const QString &backupFile, const QString &folder);

    // Runs fn inside one IMMEDIATE transaction; commits when it returns ok, else rolls back.
    Status transaction(const std::function<Status()> &fn);

private:
    Project() = default;
    Status openConnections(bool creating);
    QString openFailureAdvice(const Status &status) const;
    Status openCache(bool creating);
    Status setUpCache();
    Status refuseWrite() const;
    Status migrate();
    qint64 annotatorId(const QString &name);
    Result<qint64> beginLabelChange(const QString &action, const QString &source,
                                    const QString &annotator);
    Status finishLabelChange(qint64 changeId, qint64 assignments);
    Status addToLabelCounts(const QHash<qint64, qint64> &addedPerLabel);
    Status insertJudgment(const Judgment &judgment, qint64 *id);

    QString m_folder;
    QString m_lockKey; // set while this object counts as a user of the process's lock
    bool m_readOnly = false;
    QString m_connectionName;
    QSqlDatabase m_db;
    QSqlDatabase m_cache;
};

} // namespace likeness
