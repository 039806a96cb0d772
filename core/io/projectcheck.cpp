#include "projectcheck.h"

#include "imaging/decoder.h"
#include "index/vectorindex.h"
#include "logging.h"
#include "ml/embeddings.h"
#include "ml/modelversion.h"
#include "store/project.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonObject>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QtConcurrent/QtConcurrentMap>

namespace likeness {

namespace {

// Thumbnails decoded together before one write to the cache.
constexpr int RepairBatch = 128;

QStringList databaseProblems(const Project &project)
{
    QStringList problems;
    QSqlQuery query(project.database());
    if (!query.exec(QStringLiteral("PRAGMA integrity_check"))) {
        return {QStringLiteral("integrity check failed to run: %1")
                    .arg(query.lastError().text())};
    }
    while (query.next()) {
        if (query.value(0).toString() != QStringLiteral("ok")) {
            problems.append(query.value(0).toString());
        }
    }

    if (!query.exec(QStringLiteral("PRAGMA foreign_key_check"))) {
        return problems << QStringLiteral("foreign key check failed to run: %1")
                               .arg(query.lastError().text());
    }
    while (query.next()) {
        problems.append(QStringLiteral("row %1 of %2 refers to a missing row of %3")
                            .arg(query.value(1).toString(), query.value(0).toString(),
                                 query.value(2).toString()));
    }
    return problems;
}

QVector<qint64> missingThumbnails(const Project &project, const QVector<qint64> &okIds,
                                  const QVector<qint64> &stale)
{
    QSet<qint64> cached;
    QSqlQuery query(project.cacheDatabase());
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT image_id FROM thumbnails"
                                 " WHERE length(png) > 0 AND length(model_input) = ?"));
    query.addBindValue(ModelInputBytes);
    if (query.exec()) {
        while (query.next()) {
            cached.insert(query.value(0).toLongLong());
        }
    }

    for (qint64 id : stale) {
        cached.remove(id);
    }

    QVector<qint64> missing;
    for (qint64 id : okIds) {
        if (!cached.contains(id)) {
            missing.append(id);
        }
    }
    return missing;
}

// Ok images whose file is no longer there (one stat per image).
QVector<qint64> missingFiles(const Project &project)
{
    QSqlQuery query(project.database());
    query.setForwardOnly(true);
    query.exec(QStringLiteral("SELECT id, path FROM images WHERE status = 'ok' ORDER BY id"));
    QVector<qint64> missing;
    while (query.next()) {
        if (!QFileInfo::exists(query.value(1).toString())) {
            missing.append(query.value(0).toLongLong());
        }
    }
    return missing;
}

// Loaders promise a rebuild in their messages; the check says itself what it rebuilds.
QString problemOnly(QString message)
{
    const QString promise = QStringLiteral("; it will be rebuilt.");
    if (message.endsWith(promise)) {
        message.chop(promise.size());
    }
    return message;
}

// The same tests loadVersionData() applies before it trusts a cache.
void checkVersionCaches(const Project &project, const QVector<qint64> &embeddable,
                        CheckReport &report)
{
    const QString embeddings = embeddingsPath(project, report.version);
    if (!QFile::exists(embeddings) && !QFile::exists(indexPath(project, report.version))) {
        report.versionCachesNotBuilt = true; // built when first needed: nothing is wrong
        return;
    }
    const auto matrix = loadEmbeddings(embeddings);
    if (!matrix) {
        report.embeddingsProblem = QFile::exists(embeddings)
                                       ? problemOnly(matrix.error())
                                       : QStringLiteral("%1 is missing").arg(embeddings);
    } else if (matrix->version != report.version || matrix->ids != embeddable) {
        report.embeddingsProblem =
            QStringLiteral("%1 is out of date (%2 rows for %3 embeddable images)")
                .arg(embeddings).arg(matrix->rows()).arg(embeddable.size());
    }

    const QString indexFile = indexPath(project, report.version);
    const auto index = VectorIndex::load(indexFile, report.version);
    if (!QFile::exists(indexFile)) {
        report.indexProblem = QStringLiteral("%1 is missing").arg(indexFile);
    } else if (!index) {
        report.indexProblem = problemOnly(index.error());
    } else if (const QString damage = VectorIndex::verifyFile(indexFile); !damage.isEmpty()) {
        report.indexProblem = damage;
    } else if (!report.embeddingsProblem.isEmpty()) {
        report.indexProblem = QStringLiteral("%1 is built from embeddings that are rebuilt")
                                  .arg(indexFile);
    } else if (index->size() != matrix->rows() || index->dimension() != matrix->dimension) {
        report.indexProblem = QStringLiteral("%1 does not match the embeddings (%2 vectors of "
                                             "%3 for %4 of %5)")
                                  .arg(indexFile).arg(index->size()).arg(index->dimension())
                                  .arg(matrix->rows()).arg(matrix->dimension);
    }
}

Status rebuildThumbnails(Project &project, const QVector<qint64> &ids, RepairReport &report,
                         JobControl &control)
{
    for (qsizetype start = 0; start < ids.size(); start += RepairBatch) {
        if (control.isCanceled()) {
            return Status::failure(QStringLiteral("The repair was cancelled."));
        }
        control.setProgress(start, ids.size(), QStringLiteral("Rebuilding thumbnails"));

        QVector<ImageRecord> batch;
        for (qsizetype i = start; i < std::min(start + RepairBatch, ids.size()); ++i) {
            if (auto record = project.image(ids[i])) {
                batch.append(*record);
            }
        }
        const QList<DecodedImage> decoded = QtConcurrent::blockingMapped(
            batch, [](const ImageRecord &record) { return decodeImageFile(record.path); });

        QVector<qint64> stored;
        QVector<QByteArray> thumbnails;
        QVector<QByteArray> inputs;
        QVector<ImageRecord> unreadable;
        for (qsizetype i = 0; i < batch.size(); ++i) {
            if (!decoded[i].ok) {
                report.thumbnailFailures.append(
                    QStringLiteral("%1: %2").arg(batch[i].path, decoded[i].error));
                ImageRecord record = batch[i];
                record.status = QFileInfo::exists(record.path) ? ImageStatus::Corrupt
                                                               : ImageStatus::Missing;
                record.error = decoded[i].error;
                unreadable.append(record);
                continue;
            }
            stored.append(batch[i].id);
            thumbnails.append(decoded[i].thumbnail);
            inputs.append(decoded[i].modelInput);
        }
        if (Status status = project.storeThumbnails(stored, thumbnails, inputs); !status) {
            return status;
        }
        if (Status status = project.upsertImages(unreadable); !status) {
            return status;
        }
        report.thumbnailsRebuilt += stored.size();
    }
    return {};
}

Status markMissing(Project &project, const QVector<qint64> &ids)
{
    QVector<ImageRecord> records;
    for (qint64 id : ids) {
        if (auto record = project.image(id)) {
            record->status = ImageStatus::Missing;
            record->error = QStringLiteral("The file is gone (found by a check); import its "
                                           "folder again when it is back.");
            records.append(*record);
        }
    }
    return project.upsertImages(records);
}

} // namespace

CheckReport checkProject(Project &project)
{
    CheckReport report;
    report.databaseProblems = databaseProblems(project);
    const QVector<qint64> okIds = project.imageIds(ImageStatus::Ok);
    report.okImages = okIds.size();
    report.missingFiles = missingFiles(project);
    report.cacheProblem = project.cacheProblem();
    if (report.cacheProblem.isEmpty()) {
        report.staleThumbnails = project.staleThumbnails();
        report.missingThumbnails = missingThumbnails(project, okIds, report.staleThumbnails);
    } else {
        report.missingThumbnails = okIds; // nothing in a damaged cache is trusted
    }
    report.miscountedLabels = project.miscountedLabels();
    report.version = project.currentModelVersion();
    checkVersionCaches(project, embeddableImageIds(project), report);
    if (!project.isReadOnly()) {
        for (const ModelVersionRecord &record : project.modelVersions()) {
            if (record.status == QStringLiteral("training")) {
                report.interruptedVersions.append(record.version);
            }
        }
    }
    return report;
}

Result<RepairReport> repairProjectCaches(Project &project, const CheckReport &check,
                                         JobControl &control)
{
    RepairReport report;
    if (project.isReadOnly()) {
        return Result<RepairReport>::failure(
            QStringLiteral("%1 is open read-only; close the program that has it open to "
                           "repair it.").arg(project.folder()));
    }

    if (!check.cacheProblem.isEmpty()) {
        if (Status status = project.resetCache(); !status) {
            return Result<RepairReport>::failure(status.error());
        }
        report.cacheReset = true;
    }
    if (Status status = markMissing(project, check.missingFiles); !status) {
        return Result<RepairReport>::failure(status.error());
    }
    report.filesMarkedMissing = check.missingFiles.size();

    // Thumbnails first: the embeddings are computed from the model inputs stored with them.
    if (Status status = project.removeThumbnails(check.staleThumbnails); !status) {
        return Result<RepairReport>::failure(status.error());
    }
    QVector<qint64> rebuild = check.missingThumbnails;
    rebuild.removeIf([&check](qint64 id) { return check.missingFiles.contains(id); });
    if (Status status = rebuildThumbnails(project, rebuild, report, control); !status) {
        return Result<RepairReport>::failure(status.error());
    }

    if (!check.miscountedLabels.isEmpty()) {
        if (Status status = project.recountLabels(); !status) {
            return Result<RepairReport>::failure(status.error());
        }
        report.labelsRecounted = true;
    }

    for (int version : check.interruptedVersions) {
        const auto record = project.modelVersion(version);
        const QJsonObject metrics = record ? record->metrics : QJsonObject();
        if (Status status = project.updateModelVersion(version, QStringLiteral("failed"),
                                                       metrics);
            !status) {
            return Result<RepairReport>::failure(status.error());
        }
        ++report.versionsMarkedFailed;
    }

    if (!check.embeddingsProblem.isEmpty() || !check.indexProblem.isEmpty()
        || check.versionCachesNotBuilt || report.thumbnailsRebuilt > 0
        || report.filesMarkedMissing > 0 || !report.thumbnailFailures.isEmpty()) {
        QFile::remove(embeddingsPath(project, check.version));
        QFile::remove(indexPath(project, check.version));
        const auto data = loadVersionData(project, check.version, control);
        if (!data) {
            return Result<RepairReport>::failure(data.error());
        }
        report.versionRebuilt = true;
    }
    qCInfo(lcStore) << "repaired" << project.folder() << ":" << report.thumbnailsRebuilt
                    << "thumbnails," << report.thumbnailFailures.size() << "unreadable,"
                    << (report.versionRebuilt ? "version caches rebuilt" : "");
    return report;
}

} // namespace likeness
