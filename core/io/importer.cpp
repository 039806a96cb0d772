#include "importer.h"

#include "imaging/decoder.h"
#include "io/labelscsv.h"
#include "logging.h"
#include "store/project.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QFuture>
#include <QSaveFile>
#include <QSet>
#include <QSqlQuery>
#include <QStringDecoder>
#include <QThread>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentMap>

#include <algorithm>
#include <filesystem>

namespace likeness {

namespace {

const QSet<QString> ImageSuffixes = {
    QStringLiteral("jpg"), QStringLiteral("jpeg"), QStringLiteral("png"),
    QStringLiteral("gif"), QStringLiteral("bmp"), QStringLiteral("tif"),
    QStringLiteral("tiff"), QStringLiteral("webp")};

// Files decoded together before one write transaction; also how much work a cancel waits for.
constexpr int BatchSize = 64;

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

// What the project knows of the files under the paths being imported, kept up to date during
// the import. Owned by the importing thread.
struct Known
{
    QHash<QString, ImageRecord> byPath;
};

struct SameContent
{
    qint64 id = 0;
    QString path;
    QString status;
};

// Images with a given content hash, found through the hash index, so that memory does not
// grow with the size of the project.
class HashLookup
{
public:
    explicit HashLookup(const Project &project) : m_query(project.database())
    {
        m_query.setForwardOnly(true);
        m_query.prepare(QStringLiteral(
            "SELECT id, path, status FROM images WHERE content_hash = ? ORDER BY id"));
    }

    QVector<SameContent> images(const QString &hash)
    {
        QVector<SameContent> found;
        m_query.addBindValue(hash);
        if (m_query.exec()) {
            while (m_query.next()) {
                found.append({m_query.value(0).toLongLong(), m_query.value(1).toString(),
                              m_query.value(2).toString()});
            }
        }
        m_query.finish();
        return found;
    }

private:
    QSqlQuery m_query;
};

// Lists the files to import. Folders are walked without following symbolic links to
// folders, so a link loop cannot trap the walk; linked files are read like any other.
// Pipes, sockets and dangling links with an image suffix are listed too, so that the report
// says why they were not imported.
QVector<Candidate> collectFiles(const QStringList &paths, QVector<SkippedFile> &skipped)
{
    // Qt reads file names as UTF-8 and leaves out names with other bytes (say Latin-1 from an
    // old disk), which could not be opened by name anyway; the walk sees their bytes, so that
    // they are reported instead of silently missing.
    namespace fs = std::filesystem;
    const QString badName = QStringLiteral("the file name is not valid UTF-8, so it cannot be "
                                           "opened by name; rename it (e.g. with convmv)");
    QStringList files;
    for (const QString &path : paths) {
        const QFileInfo info(path);
        if (info.isDir()) {
            std::error_code error;
            fs::recursive_directory_iterator it(QFile::encodeName(path).toStdString(),
                                                fs::directory_options::skip_permission_denied,
                                                error);
            for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
                const std::string &bytes = it->path().native();
                QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
                const QString file = utf8(QByteArrayView(bytes.data(), qsizetype(bytes.size())));
                std::error_code typeError;
                const bool folder = it->is_directory(typeError);
                if (utf8.hasError()) {
                    skipped.append({file, ImageStatus::Unsupported, badName});
                    if (folder) {
                        it.disable_recursion_pending(); // one line for the folder is enough
                    }
                } else if (!folder && ImageSuffixes.contains(QFileInfo(file).suffix().toLower())) {
                    files.append(QFileInfo(file).absoluteFilePath());
                }
            }
            if (error) {
                skipped.append({path, ImageStatus::Unsupported,
                                QStringLiteral("the folder could not be read to its end: %1")
                                    .arg(QString::fromStdString(error.message()))});
            }
        } else if (info.exists() || info.isSymLink()) {
            files.append(info.absoluteFilePath());
        } else {
            skipped.append({path, ImageStatus::Missing,
                            path.contains(QChar::ReplacementCharacter)
                                ? badName
                                : QStringLiteral("no such file or folder")});
        }
    }
    std::sort(files.begin(), files.end());
    files.erase(std::unique(files.begin(), files.end()), files.end());

    QVector<Candidate> candidates;
    candidates.reserve(files.size());
    for (const QString &file : std::as_const(files)) {
        const QFileInfo info(file);
        const qint64 mtime = info.exists() ? info.lastModified().toMSecsSinceEpoch() : 0;
        candidates.append({file, info.exists() ? info.size() : 0, mtime});
    }
    return candidates;
}

Known loadKnown(const Project &project, const QStringList &paths)
{
    Known known;
    for (const QString &path : paths) {
        const QFileInfo info(path);
        if (info.isDir()) {
            for (const ImageRecord &record :
                 project.imagesUnder(info.absoluteFilePath() + u'/')) {
                known.byPath.insert(record.path, record);
            }
        } else if (auto record = project.imageByPath(info.absoluteFilePath())) {
            known.byPath.insert(record->path, *record);
        }
    }
    return known;
}

// Whether the cache holds a usable thumbnail and model input for the image, so that an
// import killed between recording an image and caching its thumbnail redoes that image.
class ThumbnailLookup
{
public:
    explicit ThumbnailLookup(const Project &project) : m_query(project.cacheDatabase())
    {
        m_query.prepare(QStringLiteral("SELECT length(png) > 0 AND length(model_input) = ?"
                                       " AND content_hash = ? FROM thumbnails WHERE image_id = ?"));
    }

    // Cached rows name the content they were made from; a row for other content is stale.
    bool isCached(const ImageRecord &image)
    {
        m_query.addBindValue(ModelInputBytes);
        m_query.addBindValue(image.contentHash);
        m_query.addBindValue(image.id);
        const bool cached = m_query.exec() && m_query.next() && m_query.value(0).toBool();
        m_query.finish();
        return cached;
    }

private:
    QSqlQuery m_query;
};

// A readable file at a path the project does not know, whose content belongs to an image
// whose file is gone: that image was moved here.
std::optional<SameContent> movedFrom(HashLookup &hashes, const DecodedImage &image)
{
    for (const SameContent &other : hashes.images(image.contentHash)) {
        if (other.status == ImageStatus::Missing || !QFileInfo::exists(other.path)) {
            return other;
        }
    }
    return std::nullopt;
}

// The image imported before this one with the same content, if any.
std::optional<SameContent> earlierCopy(HashLookup &hashes, const QString &hash, qint64 id)
{
    const QVector<SameContent> same = hashes.images(hash);
    if (!same.isEmpty() && same.first().id < id) {
        return same.first();
    }
    return std::nullopt;
}

// Records one decoded batch: image rows in one transaction, then their cache entries.
Status writeBatch(Project &project, Known &known, HashLookup &hashes,
                  const QList<Decoded> &decoded, ImportReport &report)
{
    QVector<ImageRecord> records;
    QVector<bool> wasKnown;
    QSet<QString> movedPaths;
    for (const Decoded &item : decoded) {
        bool exists = known.byPath.contains(item.file.path);
        if (!exists && item.image.ok) {
            if (const auto old = movedFrom(hashes, item.image)) {
                if (Status status = project.moveImage(old->id, item.file.path); !status) {
                    return status;
                }
                ++report.moved;
                report.movedFiles.append({item.file.path, QStringLiteral("moved"),
                                          QStringLiteral("moved from %1").arg(old->path)});
                movedPaths.insert(item.file.path);
                exists = true;
            }
        }
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
        wasKnown.append(exists);
    }
    if (Status status = project.upsertImages(records); !status) {
        return status;
    }

    QVector<qint64> ids;
    QVector<QByteArray> thumbnails;
    QVector<QByteArray> inputs;
    QVector<qint64> unusable; // known images that can no longer be read keep no thumbnail
    for (qsizetype i = 0; i < records.size(); ++i) {
        const ImageRecord &record = records[i];
        const DecodedImage &image = decoded[i].image;
        known.byPath.insert(record.path, record);
        if (!image.ok) {
            report.skipped.append({record.path, image.status, image.error});
            qCInfo(lcImport) << "skipped" << record.path << image.error;
            if (wasKnown[i]) {
                unusable.append(record.id);
            }
            continue;
        }
        if (!movedPaths.contains(record.path)) {
            wasKnown[i] ? ++report.updated : ++report.added;
        }
        if (const auto other = earlierCopy(hashes, record.contentHash, record.id)) {
            ++report.duplicates;
            report.duplicateFiles.append({record.path, QStringLiteral("duplicate"),
                                          QStringLiteral("same content as %1").arg(other->path)});
        }
        ids.append(record.id);
        thumbnails.append(image.thumbnail);
        inputs.append(image.modelInput);
    }
    if (Status status = project.removeThumbnails(unusable); !status) {
        return status;
    }
    return project.storeThumbnails(ids, thumbnails, inputs);
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
                report.missingFiles.append({record.path, ImageStatus::Missing, missing.error});
            }
        }
    }
    report.missing = gone.size();
    return gone.isEmpty() ? Status() : project.upsertImages(gone);
}

QString durationText(double seconds)
{
    if (seconds < 90) {
        return QStringLiteral("%1 s").arg(qRound(seconds));
    }
    if (seconds < 90 * 60) {
        return QStringLiteral("%1 min").arg(qRound(seconds / 60));
    }
    return QStringLiteral("%1 h").arg(seconds / 3600, 0, 'f', 1);
}

} // namespace

QString importProgressText(qint64 decoded, qint64 toDecode, qint64 elapsedMs)
{
    if (decoded == 0 || elapsedMs <= 0) {
        return QStringLiteral("Importing images");
    }
    const double rate = decoded * 1000.0 / elapsedMs;
    return QStringLiteral("Importing images, %1 files/s, about %2 left")
        .arg(rate, 0, 'f', rate < 10 ? 1 : 0)
        .arg(durationText((toDecode - decoded) / rate));
}

QMap<QString, qint64> ImportReport::skippedByStatus() const
{
    QMap<QString, qint64> counts;
    for (const SkippedFile &file : skipped) {
        ++counts[file.status];
    }
    return counts;
}

Result<ImportReport> importImages(Project &project, const QStringList &paths,
                                  JobControl &control, const ImportOptions &options)
{
    QElapsedTimer timer;
    timer.start();
    ImportReport report;
    const int threads = options.threads > 0 ? options.threads : QThread::idealThreadCount();

    const QVector<Candidate> candidates = collectFiles(paths, report.skipped);
    report.filesSeen = candidates.size();
    Known known = loadKnown(project, paths);
    HashLookup hashes(project);
    qCInfo(lcImport) << "importing" << candidates.size() << "files from" << paths << "with"
                     << threads << "threads, pixel limit" << options.maxPixels;

    // Files recorded ok by an earlier (possibly interrupted) import and not changed since are
    // not read again. Those that could not be used are read again every time: the pixel limit
    // or the decoders may have changed since, and they are few.
    QVector<Candidate> toDecode;
    ThumbnailLookup thumbnails(project);
    for (const Candidate &file : candidates) {
        const auto stored = known.byPath.constFind(file.path);
        const bool same = stored != known.byPath.constEnd() && stored->bytes == file.bytes
                          && stored->mtime == file.mtime;
        if (same && stored->status == ImageStatus::Ok && thumbnails.isCached(*stored)) {
            ++report.unchanged;
        } else {
            toDecode.append(file);
        }
    }

    QThreadPool pool;
    pool.setMaxThreadCount(threads);
    const DecodeOptions decodeOptions{std::min(options.maxPixels, MaxPixelsCeiling)};
    const auto startBatch = [&](qsizetype from) {
        return QtConcurrent::mapped(&pool, toDecode.mid(from, BatchSize),
                                    [decodeOptions](const Candidate &file) {
                                        return Decoded{file,
                                                       decodeImageFile(file.path, decodeOptions)};
                                    });
    };

    // Decoding of the next batch runs while the current one is written.
    QElapsedTimer decodeTimer;
    decodeTimer.start();
    qint64 decodedCount = 0;
    report.canceled = control.isCanceled();
    QFuture<Decoded> running;
    if (!report.canceled && !toDecode.isEmpty()) {
        running = startBatch(0);
    }
    control.setProgress(report.unchanged, candidates.size(), importProgressText(0, 0, 0));
    for (qsizetype from = 0; !report.canceled && from < toDecode.size(); from += BatchSize) {
        const QList<Decoded> decoded = running.results();
        report.canceled = control.isCanceled();
        if (!report.canceled && from + BatchSize < toDecode.size()) {
            running = startBatch(from + BatchSize);
        }
        if (Status status = writeBatch(project, known, hashes, decoded, report); !status) {
            running.cancel();
            running.waitForFinished();
            return Result<ImportReport>::failure(status.error());
        }
        decodedCount += decoded.size();
        control.setProgress(report.unchanged + decodedCount, candidates.size(),
                            importProgressText(decodedCount, toDecode.size(),
                                               decodeTimer.elapsed()));
    }
    running.cancel();
    running.waitForFinished();

    if (!report.canceled) {
        if (Status status = markDeletedFiles(project, paths, report); !status) {
            return Result<ImportReport>::failure(status.error());
        }
        control.setProgress(candidates.size(), candidates.size(), QStringLiteral("Imported"));
    }
    report.seconds = timer.elapsed() / 1000.0;
    qCInfo(lcImport) << "import" << (report.canceled ? "canceled:" : "finished:")
                     << report.added << "added," << report.updated << "updated,"
                     << report.moved << "moved," << report.unchanged << "unchanged,"
                     << report.skipped.size() << "skipped," << decodedCount << "files read in"
                     << report.seconds << "s";
    return report;
}

Status writeImportReportCsv(const ImportReport &report, const QString &csvPath)
{
    QSaveFile file(csvPath);
    if (!file.open(QIODevice::WriteOnly)) {
        return Status::failure(
            QStringLiteral("Cannot write %1: %2").arg(csvPath, file.errorString()));
    }

    QString text = QStringLiteral("path,status,reason\n");
    for (const auto *list : {&report.skipped, &report.duplicateFiles, &report.movedFiles,
                             &report.missingFiles}) {
        for (const ReportedFile &entry : *list) {
            text += csvField(entry.path) + u',' + csvField(entry.status) + u','
                    + csvField(entry.reason) + u'\n';
        }
    }
    file.write(text.toUtf8());
    if (!file.commit()) {
        return Status::failure(
            QStringLiteral("Cannot write %1: %2").arg(csvPath, file.errorString()));
    }
    return Status();
}

} // namespace likeness
