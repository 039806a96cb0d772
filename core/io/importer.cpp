#include "importer.h"

#include "imaging/decoder.h"
#include "logging.h"
#include "store/project.h"

#include <QDateTime>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QSet>
#include <QtConcurrent/QtConcurrentMap>

#include <algorithm>

namespace likeness {

namespace {

const QSet<QString> ImageSuffixes = {
    QStringLiteral("jpg"), QStringLiteral("jpeg"), QStringLiteral("png"),
    QStringLiteral("gif"), QStringLiteral("bmp"), QStringLiteral("tif"),
    QStringLiteral("tiff"), QStringLiteral("webp")};

// Files decoded together before one write transaction.
constexpr int BatchSize = 128;

struct Candidate
{
    QString path;
    qint64 bytes = 0;
    qint64 mtime = 0;
};

struct Decoded
{
    Candidate file;
    DecodedImage image;
};

// Lists the files to import. Folders are walked without following symbolic links to
// folders, so a link loop cannot trap the walk; linked files are read like any other.
QVector<Candidate> collectFiles(const QStringList &paths, QVector<SkippedFile> &skipped)
{
    QStringList files;
    for (const QString &path : paths) {
        const QFileInfo info(path);
        if (info.isDir()) {
            QDirIterator it(path, QDir::Files | QDir::NoDotAndDotDot | QDir::Hidden,
                            QDirIterator::Subdirectories);
            while (it.hasNext()) {
                const QString file = it.next();
                if (ImageSuffixes.contains(QFileInfo(file).suffix().toLower())) {
                    files.append(QFileInfo(file).absoluteFilePath());
                }
            }
        } else if (info.exists()) {
            files.append(info.absoluteFilePath());
        } else {
            skipped.append({path, ImageStatus::Missing,
                            QStringLiteral("no such file or folder")});
        }
    }
    std::sort(files.begin(), files.end());
    files.erase(std::unique(files.begin(), files.end()), files.end());

    QVector<Candidate> candidates;
    candidates.reserve(files.size());
    for (const QString &file : std::as_const(files)) {
        const QFileInfo info(file);
        candidates.append({file, info.size(), info.lastModified().toMSecsSinceEpoch()});
    }
    return candidates;
}

// Images that were imported from the given folders before and whose files are gone now are
// marked missing (they keep their labels and judgments, and leave the neighbour index).
Status markDeletedFiles(Project &project, const QStringList &paths, ImportReport &report)
{
    QVector<ImageRecord> gone;
    for (const QString &path : paths) {
        if (!QFileInfo(path).isDir()) {
            continue;
        }
        const QString folder = QFileInfo(path).absoluteFilePath() + u'/';
        for (const ImageRecord &record : project.imagesUnder(folder)) {
            if (record.status != ImageStatus::Missing && !QFileInfo::exists(record.path)) {
                ImageRecord missing = record;
                missing.status = ImageStatus::Missing;
                missing.error = QStringLiteral("the file was deleted or moved");
                gone.append(missing);
            }
        }
    }
    report.missing = gone.size();
    return gone.isEmpty() ? Status() : project.upsertImages(gone);
}

} // namespace

Result<ImportReport> importImages(Project &project, const QStringList &paths,
                                  JobControl &control)
{
    QElapsedTimer timer;
    timer.start();
    ImportReport report;

    const QVector<Candidate> candidates = collectFiles(paths, report.skipped);
    report.filesSeen = candidates.size();
    qCInfo(lcImport) << "importing" << candidates.size() << "files from" << paths;

    QSet<QString> knownHashes;
    for (qint64 offset = 0;; offset += 10000) {
        const QVector<ImageRecord> page = project.images(offset, 10000);
        for (const ImageRecord &record : page) {
            knownHashes.insert(record.contentHash);
        }
        if (page.size() < 10000) {
            break;
        }
    }

    for (qsizetype start = 0; start < candidates.size(); start += BatchSize) {
        if (control.isCanceled()) {
            report.canceled = true;
            break;
        }
        control.setProgress(start, candidates.size(),
                            QStringLiteral("Importing images"));

        // Unchanged files (same size and modification time, already ok) are not read again.
        QVector<Candidate> batch;
        for (qsizetype i = start; i < std::min(start + BatchSize, candidates.size()); ++i) {
            const auto stored = project.imageByPath(candidates[i].path);
            if (stored && stored->status == ImageStatus::Ok
                && stored->bytes == candidates[i].bytes
                && stored->mtime == candidates[i].mtime) {
                ++report.unchanged;
                continue;
            }
            batch.append(candidates[i]);
        }

        const QList<Decoded> decoded = QtConcurrent::blockingMapped(
            batch, [](const Candidate &file) { return Decoded{file, decodeImageFile(file.path)}; });

        QVector<ImageRecord> records;
        for (const Decoded &item : decoded) {
            ImageRecord record;
            record.path = item.file.path;
            record.contentHash = item.image.contentHash;
            record.width = item.image.width;
            record.height = item.image.height;
            record.bytes = item.file.bytes;
            record.mtime = item.file.mtime;
            record.status = item.image.status;
            record.error = item.image.error;
            records.append(record);
        }
        const QSet<QString> pathsBefore = [&] {
            QSet<QString> known;
            for (const ImageRecord &record : records) {
                if (project.imageByPath(record.path)) {
                    known.insert(record.path);
                }
            }
            return known;
        }();
        if (Status status = project.upsertImages(records); !status) {
            return Result<ImportReport>::failure(status.error());
        }

        QVector<qint64> ids;
        QVector<QByteArray> thumbnails;
        QVector<QByteArray> inputs;
        for (qsizetype i = 0; i < records.size(); ++i) {
            const DecodedImage &image = decoded[i].image;
            if (!image.ok) {
                report.skipped.append({records[i].path, image.status, image.error});
                qCInfo(lcImport) << "skipped" << records[i].path << image.error;
                continue;
            }
            pathsBefore.contains(records[i].path) ? ++report.updated : ++report.added;
            if (knownHashes.contains(image.contentHash)) {
                ++report.duplicates;
            }
            knownHashes.insert(image.contentHash);
            ids.append(records[i].id);
            thumbnails.append(image.thumbnail);
            inputs.append(image.modelInput);
        }
        if (Status status = project.storeThumbnails(ids, thumbnails, inputs); !status) {
            return Result<ImportReport>::failure(status.error());
        }
    }

    if (!report.canceled) {
        if (Status status = markDeletedFiles(project, paths, report); !status) {
            return Result<ImportReport>::failure(status.error());
        }
    }
    control.setProgress(candidates.size(), candidates.size(), QStringLiteral("Imported"));
    report.seconds = timer.elapsed() / 1000.0;
    qCInfo(lcImport) << "import finished:" << report.added << "added," << report.updated
                     << "updated," << report.skipped.size() << "skipped in" << report.seconds
                     << "s";
    return report;
}

} // namespace likeness
