#include "modelversion.h"

#include "logging.h"
#include "store/project.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QSet>

#include <algorithm>

namespace likeness {

namespace {

QString versionName(int version)
{
    return QStringLiteral("v%1").arg(version, 4, 10, QLatin1Char('0'));
}

} // namespace

QString embeddingsPath(const Project &project, int version)
{
    return project.filePath(QStringLiteral("embeddings/%1.f32").arg(versionName(version)));
}

QString indexPath(const Project &project, int version)
{
    return project.filePath(QStringLiteral("index/%1.faiss").arg(versionName(version)));
}

QString modelFolder(const Project &project, int version)
{
    return project.filePath(QStringLiteral("models/%1").arg(versionName(version)));
}

namespace {

IndexKind kindFor(qint64 rows, const IndexOptions &options)
{
    return rows >= options.approximateThreshold ? IndexKind::Approximate : IndexKind::Exact;
}

// The cached rows marked in keep, merged by id with rows embedded now.
EmbeddingMatrix mergeRows(const EmbeddingMatrix &cached, const QVector<bool> &keep,
                          const EmbeddingMatrix &fresh)
{
    EmbeddingMatrix merged;
    merged.version = cached.version;
    merged.dimension = cached.dimension;
    const size_t d = size_t(cached.dimension);
    merged.values.reserve((size_t(cached.rows()) + size_t(fresh.rows())) * d);
    qint64 c = 0;
    qint64 f = 0;
    const auto take = [&](const EmbeddingMatrix &from, qint64 row) {
        merged.ids.append(from.ids[row]);
        merged.contentKeys.append(from.contentKeys.value(row));
        merged.values.insert(merged.values.end(), from.row(row), from.row(row) + d);
    };
    while (c < cached.rows() || f < fresh.rows()) {
        if (c < cached.rows() && !keep[c]) {
            ++c;
        } else if (f >= fresh.rows() || (c < cached.rows() && cached.ids[c] < fresh.ids[f])) {
            take(cached, c++);
        } else {
            take(fresh, f++);
        }
    }
    return merged;
}

// Brings a cached matrix of the right version up to date with the embeddable images by
// embedding only the images it lacks (fresh) and dropping the rows that no longer stand for
// an embeddable image's content (stale). Returns the merged matrix.
Result<EmbeddingMatrix> updateEmbeddings(Project &project, EmbeddingMatrix cached,
                                         const QVector<qint64> &embeddable,
                                         const QByteArray &fingerprint, JobControl &control,
                                         CacheUpdate &update, QVector<qint64> &stale,
                                         EmbeddingMatrix &fresh)
{
    const QHash<qint64, quint64> keys = imageContentKeys(project);
    QSet<qint64> wanted(embeddable.cbegin(), embeddable.cend());
    QVector<bool> keep(cached.rows());
    QSet<qint64> kept;
    for (qint64 row = 0; row < cached.rows(); ++row) {
        const qint64 id = cached.ids[row];
        keep[row] = wanted.contains(id) && cached.contentKeys.value(row) == keys.value(id);
        if (keep[row]) {
            kept.insert(id);
        } else {
            stale.append(id);
        }
    }
    QVector<qint64> missing;
    for (qint64 id : embeddable) {
        if (!kept.contains(id)) {
            missing.append(id);
        }
    }

    auto embedded = embedImages(project, cached.version, missing, control);
    if (!embedded) {
        return Result<EmbeddingMatrix>::failure(embedded.error());
    }
    if (embedded->rows() > 0 && embedded->dimension != cached.dimension) {
        return Result<EmbeddingMatrix>::failure(QStringLiteral("The model's dimension changed."));
    }
    update.embedded = embedded->rows();
    fresh = std::move(*embedded);
    EmbeddingMatrix merged = mergeRows(cached, keep, fresh);
    merged.contentFingerprint = fingerprint;
    return merged;
}

// Written when it differs, so a version that became ready after its index was built gets it
// on the next load.
void recordIndexStats(Project &project, int version, const IndexStats &stats)
{
    const auto record = project.modelVersion(version);
    if (project.isReadOnly() || !record || record->status != QStringLiteral("ready")
        || record->metrics.value(QStringLiteral("index")).toObject() == stats.toJson()) {
        return;
    }
    QJsonObject metrics = record->metrics;
    metrics.insert(QStringLiteral("index"), stats.toJson());
    if (Status status = project.updateModelVersion(version, record->status, metrics); !status) {
        qCWarning(lcIndex) << status.error();
    }
}

} // namespace

Result<std::shared_ptr<const VersionData>> loadVersionData(Project &project, int version,
                                                           JobControl &control,
                                                           const IndexOptions &options)
{
    using Answer = Result<std::shared_ptr<const VersionData>>;
    QDir(project.folder()).mkpath(QStringLiteral("embeddings"));
    QDir(project.folder()).mkpath(QStringLiteral("index"));

    // A cached matrix of this version is kept and patched; one of another version or
    // dimension, or without per-row content keys, is embedded again from scratch.
    const QVector<qint64> embeddable = embeddableImageIds(project);
    const qint64 okImages = project.imageCount(ImageStatus::Ok);
    if (embeddable.size() < okImages) {
        qCWarning(lcIndex).noquote()
            << QStringLiteral("%1 of %2 ok images have no cached model input and are left out "
                              "of embeddings and neighbours; 'likeness-cli check --repair' "
                              "reads them again.").arg(okImages - embeddable.size()).arg(okImages);
    }
    const QByteArray fingerprint = imageContentFingerprint(project);
    auto data = std::make_shared<VersionData>();
    data->version = version;
    auto cached = loadEmbeddings(embeddingsPath(project, version), MatrixLoad::Mapped);
    const bool usable = cached && cached->version == version
                        && !std::all_of(cached->contentKeys.cbegin(), cached->contentKeys.cend(),
                                        [](quint64 key) { return key == 0; });
    const bool current = usable && cached->ids == embeddable
                         && cached->contentFingerprint == fingerprint;
    QVector<qint64> stale;
    EmbeddingMatrix fresh;
    if (current) {
        data->embeddings = std::move(*cached);
    } else if (usable || (cached && cached->version == version && cached->rows() == 0)) {
        const qint64 before = cached->rows();
        auto updated = updateEmbeddings(project, std::move(*cached), embeddable, fingerprint,
                                        control, data->update, stale, fresh);
        if (!updated) {
            return Answer::failure(updated.error());
        }
        data->embeddings = std::move(*updated);
        qCInfo(lcIndex) << "version" << version << "embeddings updated:" << data->update.embedded
                        << "embedded," << stale.size() << "dropped of" << before;
    } else {
        qCInfo(lcIndex) << "embedding images with version" << version
                        << (cached ? "(cache of another version or format)" : "(no cache)");
        auto computed = embedProjectImages(project, version, control);
        if (!computed) {
            return Answer::failure(computed.error());
        }
        data->embeddings = std::move(*computed);
        data->update.embedded = data->embeddings.rows();
        data->update.embeddingsRebuilt = true;
    }
    if (!current) {
        if (Status status = saveEmbeddings(embeddingsPath(project, version), data->embeddings);
            !status) {
            qCWarning(lcIndex) << status.error();
        }
    }

    // The index is patched like the matrix when it held exactly the cached rows; otherwise,
    // or when its kind no longer fits its size, it is built again.
    const EmbeddingMatrix &matrix = data->embeddings;
    const auto mode = current ? VectorIndex::LoadMode::Mapped : VectorIndex::LoadMode::InMemory;
    auto index = data->update.embeddingsRebuilt
                     ? Result<VectorIndex>::failure(QString())
                     : VectorIndex::load(indexPath(project, version), version, mode);
    const qint64 expectedBefore = matrix.rows() - data->update.embedded + stale.size();
    bool changed = !current;
    if (index && index->size() == expectedBefore && index->dimension() == matrix.dimension
        && index->kind() == kindFor(matrix.rows(), options)) {
        if (!current) {
            Status status = index->remove(stale);
            status = status ? index->add(fresh) : status;
            status = status ? index->calibrate(matrix, options) : status;
            if (!status) {
                return Answer::failure(status.error());
            }
            data->update.added = fresh.rows();
            data->update.removed = stale.size();
        }
    } else {
        index = VectorIndex::build(matrix, options);
        if (!index) {
            return Answer::failure(index.error());
        }
        data->update.indexRebuilt = true;
        changed = true;
    }
    if (changed) {
        if (Status status = index->save(indexPath(project, version)); !status) {
            qCWarning(lcIndex) << status.error();
        }
    }
    recordIndexStats(project, version, index->stats());
    data->index = std::move(*index);
    return std::shared_ptr<const VersionData>(std::move(data));
}

std::optional<IndexStats> savedIndexStats(const Project &project, int version)
{
    QFile side(indexPath(project, version) + QStringLiteral(".json"));
    if (!side.open(QIODevice::ReadOnly)) {
        return std::nullopt;
    }
    const QJsonObject json = QJsonDocument::fromJson(side.readAll()).object();
    if (json.value(QStringLiteral("version")).toInt(-1) != version) {
        return std::nullopt;
    }
    return IndexStats::fromJson(json);
}

Result<QVector<Neighbour>> neighboursOfImage(const VersionData &data, qint64 imageId, int k)
{
    const qint64 row = data.embeddings.rowOf(imageId);
    if (row < 0) {
        return Result<QVector<Neighbour>>::failure(
            QStringLiteral("Image %1 has no embedding (it is not an ok image of this project).")
                .arg(imageId));
    }
    return data.index.search(data.embeddings.row(row), k, imageId);
}

} // namespace likeness
