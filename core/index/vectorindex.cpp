#include "vectorindex.h"

#include "logging.h"
#include "ml/embeddings.h"

#include <QFile>

#include <faiss/IndexFlat.h>
#include <faiss/IndexIDMap.h>
#include <faiss/index_io.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace likeness {

namespace {

// Faiss 1.7.3 names the id type faiss::Index::idx_t; newer releases also have faiss::idx_t.
using FaissId = faiss::Index::idx_t;

} // namespace

struct VectorIndex::Data
{
    int version = 0;
    std::unique_ptr<faiss::Index> index;
};

VectorIndex::VectorIndex() = default;

Result<VectorIndex> VectorIndex::build(const EmbeddingMatrix &matrix)
{
    if (matrix.dimension <= 0) {
        return Result<VectorIndex>::failure(QStringLiteral("The embeddings have no dimension."));
    }
    for (qint64 row = 0; row < matrix.rows(); ++row) {
        const float *values = matrix.row(row);
        if (!std::all_of(values, values + matrix.dimension,
                         [](float v) { return std::isfinite(v); })) {
            return Result<VectorIndex>::failure(
                QStringLiteral("The embedding of image %1 holds NaN or infinite values; the "
                               "model version %2 is broken and cannot be indexed.")
                    .arg(matrix.ids[row]).arg(matrix.version));
        }
    }

    auto data = std::make_shared<Data>();
    data->version = matrix.version;
    try {
        auto map = std::make_unique<faiss::IndexIDMap2>(new faiss::IndexFlatIP(matrix.dimension));
        map->own_fields = true;
        static_assert(sizeof(FaissId) == sizeof(qint64));
        map->add_with_ids(matrix.rows(), matrix.values.data(),
                          reinterpret_cast<const FaissId *>(matrix.ids.constData()));
        data->index = std::move(map);
    } catch (const faiss::FaissException &error) {
        return Result<VectorIndex>::failure(
            QStringLiteral("Faiss could not build the index: %1")
                .arg(QString::fromUtf8(error.what())));
    }

    VectorIndex index;
    index.m_data = std::move(data);
    qCDebug(lcIndex) << "built index of version" << matrix.version << "with" << matrix.rows()
                     << "vectors";
    return index;
}

Result<VectorIndex> VectorIndex::load(const QString &path, int version)
{
    if (!QFile::exists(path)) {
        return Result<VectorIndex>::failure(QStringLiteral("%1 does not exist.").arg(path));
    }

    auto data = std::make_shared<Data>();
    data->version = version;
    try {
        data->index.reset(faiss::read_index(QFile::encodeName(path).constData()));
    } catch (const faiss::FaissException &error) {
        return Result<VectorIndex>::failure(
            QStringLiteral("%1 is not a readable index (%2); it will be rebuilt.")
                .arg(path, QString::fromUtf8(error.what())));
    }

    VectorIndex index;
    index.m_data = std::move(data);
    return index;
}

Status VectorIndex::save(const QString &path) const
{
    if (!m_data) {
        return Status::failure(QStringLiteral("There is no index to save."));
    }

    // Written beside the target and renamed over it, so a crash never leaves half an index.
    const QByteArray target = QFile::encodeName(path);
    const QByteArray partial = target + ".partial";
    try {
        faiss::write_index(m_data->index.get(), partial.constData());
    } catch (const faiss::FaissException &error) {
        std::remove(partial.constData());
        return Status::failure(QStringLiteral("Cannot write the index %1: %2")
                                   .arg(path, QString::fromUtf8(error.what())));
    }
    if (std::rename(partial.constData(), target.constData()) != 0) {
        std::remove(partial.constData());
        return Status::failure(QStringLiteral("Cannot replace %1.").arg(path));
    }
    return {};
}

int VectorIndex::version() const
{
    return m_data ? m_data->version : -1;
}

int VectorIndex::dimension() const
{
    return m_data ? int(m_data->index->d) : 0;
}

qint64 VectorIndex::size() const
{
    return m_data ? qint64(m_data->index->ntotal) : 0;
}

Result<QVector<Neighbour>> VectorIndex::search(const float *query, int k, qint64 excludeId) const
{
    auto batch = searchBatch(query, 1, excludeId >= 0 ? k + 1 : k);
    if (!batch) {
        return Result<QVector<Neighbour>>::failure(batch.error());
    }

    QVector<Neighbour> neighbours;
    for (const Neighbour &neighbour : batch->first()) {
        if (neighbour.id != excludeId && neighbours.size() < k) {
            neighbours.append(neighbour);
        }
    }
    return neighbours;
}

Result<QVector<QVector<Neighbour>>> VectorIndex::searchBatch(const float *queries, qint64 n,
                                                             int k) const
{
    using Answer = Result<QVector<QVector<Neighbour>>>;
    if (k <= 0 || n < 0) {
        return Answer::failure(QStringLiteral("k must be at least 1."));
    }
    const auto finite = [](float v) { return std::isfinite(v); };
    if (!std::all_of(queries, queries + n * dimension(), finite)) {
        return Answer::failure(QStringLiteral("The query vector holds NaN or infinite values."));
    }
    QVector<QVector<Neighbour>> answers(n);
    const qint64 kept = std::min<qint64>(k, size());
    if (kept == 0 || n == 0) {
        return answers;
    }

    std::vector<float> scores(size_t(n * kept));
    std::vector<FaissId> labels(size_t(n * kept));
    try {
        m_data->index->search(n, queries, kept, scores.data(), labels.data());
    } catch (const faiss::FaissException &error) {
        return Answer::failure(QStringLiteral("The index search failed: %1")
                                   .arg(QString::fromUtf8(error.what())));
    }

    for (qint64 q = 0; q < n; ++q) {
        for (qint64 j = 0; j < kept; ++j) {
            const FaissId id = labels[size_t(q * kept + j)];
            if (id >= 0) {
                const float score = scores[size_t(q * kept + j)];
                answers[q].append({qint64(id), std::clamp(score, -1.f, 1.f)});
            }
        }
    }
    return answers;
}

} // namespace likeness
