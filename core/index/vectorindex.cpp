#include "vectorindex.h"
#include "vectorindex_p.h"

#include "logging.h"
#include "ml/embeddings.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSaveFile>
#include <QSet>

#include <faiss/IndexFlat.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVFFlat.h>
#include <faiss/clone_index.h>
#include <faiss/impl/AuxIndexStructures.h>
#include <faiss/impl/FaissException.h>
#include <faiss/impl/IDSelector.h>
#include <faiss/index_io.h>
#include <faiss/invlists/OnDiskInvertedLists.h>
#include <faiss/utils/distances.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace likeness {

namespace {

// SHA-256 of a file, in hex; empty when it cannot be read.
QString fileChecksum(const QString &path)
{
    QFile file(path);
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!file.open(QIODevice::ReadOnly) || !hash.addData(&file)) {
        return {};
    }
    return QString::fromLatin1(hash.result().toHex());
}

// Faiss 1.7.3 names the id type faiss::Index::idx_t; newer releases also have faiss::idx_t.
using FaissId = faiss::Index::idx_t;
static_assert(sizeof(FaissId) == sizeof(qint64));

// Recall is measured at this depth; it is what the UI shows (ten neighbours).
constexpr int RecallDepth = 10;
// k-means trains on at most this many vectors per cluster, which bounds the build time.
constexpr int TrainingPointsPerList = 64;
// Faiss warns when a cluster has fewer training vectors than this.
constexpr int MinPointsPerList = 39;

bool allFinite(const float *values, qint64 count)
{
    return std::all_of(values, values + count, [](float v) { return std::isfinite(v); });
}

QString faissError(const QString &what, const std::exception &error)
{
    return QStringLiteral("%1: %2").arg(what, QString::fromUtf8(error.what()));
}

// Clusters of an approximate index over n vectors: about √n, with enough vectors per cluster
// to train it.
int listCount(qint64 n)
{
    const qint64 bySize = qint64(std::sqrt(double(n)));
    return int(std::clamp<qint64>(std::min(bySize, n / MinPointsPerList), 1, 65536));
}

// Sample rows of a matrix, the same for the same seed.
QVector<qint64> sampleRows(qint64 rows, int count, quint64 seed)
{
    QVector<qint64> sample;
    if (rows <= count) {
        for (qint64 row = 0; row < rows; ++row) {
            sample.append(row);
        }
        return sample;
    }
    QRandomGenerator random(seed);
    QSet<qint64> taken;
    while (sample.size() < count) {
        const qint64 row = qint64(random.bounded(quint64(rows)));
        if (!taken.contains(row)) {
            taken.insert(row);
            sample.append(row);
        }
    }
    std::sort(sample.begin(), sample.end());
    return sample;
}

// Sampled vectors of a matrix with their exact top-k neighbours (each leaving itself out):
// the ground truth an index's recall is measured against.
struct RecallSample
{
    int k = 0;
    QVector<qint64> selfIds;
    std::vector<float> queries; // selfIds.size() × d
    QVector<QSet<qint64>> truth;

    static Result<RecallSample> make(const EmbeddingMatrix &matrix, int count, quint64 seed,
                                     int k)
    {
        if (matrix.rows() <= k || count <= 0) {
            return Result<RecallSample>::failure(
                QStringLiteral("Too few vectors to measure recall."));
        }
        RecallSample sample;
        sample.k = k;
        const QVector<qint64> rows = sampleRows(matrix.rows(), count, seed);
        const qint64 d = matrix.dimension;
        sample.queries.resize(size_t(rows.size() * d));
        for (qsizetype i = 0; i < rows.size(); ++i) {
            std::copy_n(matrix.row(rows[i]), d, sample.queries.begin() + i * d);
            sample.selfIds.append(matrix.ids[rows[i]]);
        }

        std::vector<float> scores(size_t(rows.size() * (k + 1)));
        std::vector<int64_t> found(size_t(rows.size() * (k + 1)));
        try {
            faiss::knn_inner_product(sample.queries.data(), matrix.data(), size_t(d),
                                     size_t(rows.size()), size_t(matrix.rows()), size_t(k + 1),
                                     scores.data(), found.data());
        } catch (const std::exception &error) {
            return Result<RecallSample>::failure(
                faissError(QStringLiteral("The exact search failed"), error));
        }
        for (qsizetype i = 0; i < rows.size(); ++i) {
            QSet<qint64> truth;
            for (int j = 0; j <= k && truth.size() < k; ++j) {
                const int64_t row = found[size_t(i * (k + 1) + j)];
                if (row >= 0 && matrix.ids[row] != sample.selfIds[i]) {
                    truth.insert(matrix.ids[row]);
                }
            }
            sample.truth.append(truth);
        }
        return sample;
    }

    Result<double> recallOf(const VectorIndex &index) const
    {
        const auto found = index.searchBatch(queries.data(), selfIds.size(), k + 1);
        if (!found) {
            return Result<double>::failure(found.error());
        }
        qint64 hits = 0;
        qint64 wanted = 0;
        for (qsizetype i = 0; i < selfIds.size(); ++i) {
            int taken = 0;
            for (const Neighbour &neighbour : found->at(i)) {
                if (neighbour.id != selfIds[i] && taken < k) {
                    ++taken;
                    hits += truth[i].contains(neighbour.id) ? 1 : 0;
                }
            }
            wanted += truth[i].size();
        }
        return wanted > 0 ? double(hits) / double(wanted) : 1.0;
    }
};

// A copy of an inverted-file index whose lists are in memory, whatever holds them now (a
// mapped file included).
std::unique_ptr<faiss::IndexIVFFlat> copyToMemory(const faiss::IndexIVFFlat &source)
{
    auto copy = std::make_unique<faiss::IndexIVFFlat>(
        faiss::clone_index(source.quantizer), source.d, source.nlist, source.metric_type);
    copy->own_fields = true;
    copy->is_trained = true;
    copy->nprobe = source.nprobe;
    for (size_t list = 0; list < source.nlist; ++list) {
        const size_t n = source.invlists->list_size(list);
        if (n == 0) {
            continue;
        }
        faiss::InvertedLists::ScopedIds ids(source.invlists, list);
        faiss::InvertedLists::ScopedCodes codes(source.invlists, list);
        copy->invlists->add_entries(list, n, ids.get(), codes.get());
    }
    copy->ntotal = source.ntotal;
    return copy;
}

} // namespace

QString indexKindName(IndexKind kind)
{
    return kind == IndexKind::Exact ? QStringLiteral("exact") : QStringLiteral("approximate");
}

QJsonObject IndexStats::toJson() const
{
    QJsonObject json{{QStringLiteral("kind"), indexKindName(kind)},
                     {QStringLiteral("size"), size},
                     {QStringLiteral("dimension"), dimension},
                     {QStringLiteral("lists"), lists},
                     {QStringLiteral("probes"), probes},
                     {QStringLiteral("recall_queries"), recallQueries}};
    json.insert(QStringLiteral("recall_at_10"),
                recallAt10 ? QJsonValue(*recallAt10) : QJsonValue(QJsonValue::Null));
    return json;
}

IndexStats IndexStats::fromJson(const QJsonObject &json)
{
    IndexStats stats;
    stats.kind = json.value(QStringLiteral("kind")).toString() == QStringLiteral("approximate")
                     ? IndexKind::Approximate
                     : IndexKind::Exact;
    stats.size = json.value(QStringLiteral("size")).toInteger();
    stats.dimension = json.value(QStringLiteral("dimension")).toInt();
    stats.lists = json.value(QStringLiteral("lists")).toInt();
    stats.probes = json.value(QStringLiteral("probes")).toInt();
    stats.recallQueries = json.value(QStringLiteral("recall_queries")).toInteger();
    if (json.value(QStringLiteral("recall_at_10")).isDouble()) {
        stats.recallAt10 = json.value(QStringLiteral("recall_at_10")).toDouble();
    }
    return stats;
}

// Guarded by copy-on-write: a Data shared by several VectorIndex copies is only read; add(),
// remove() and calibrate() detach() first.
struct VectorIndex::Data
{
    int version = 0;
    IndexKind kind = IndexKind::Exact;
    std::unique_ptr<faiss::Index> index; // IndexIDMap2(IndexFlatIP) or IndexIVFFlat (IP)
    bool mapped = false;                  // the lists live in a read-only mapping
    std::optional<double> recallAt10;
    qint64 recallQueries = 0;

    faiss::IndexIVFFlat *inverted() const
    {
        return dynamic_cast<faiss::IndexIVFFlat *>(index.get());
    }
};

VectorIndex::VectorIndex() = default;

const faiss::Index *faissIndexOf(const VectorIndex &index)
{
    return index.m_data ? index.m_data->index.get() : nullptr;
}

Result<VectorIndex> VectorIndex::build(const EmbeddingMatrix &matrix, const IndexOptions &options)
{
    if (matrix.dimension <= 0) {
        return Result<VectorIndex>::failure(QStringLiteral("The embeddings have no dimension."));
    }
    for (qint64 row = 0; row < matrix.rows(); ++row) {
        if (!allFinite(matrix.row(row), matrix.dimension)) {
            return Result<VectorIndex>::failure(
                QStringLiteral("The embedding of image %1 holds NaN or infinite values; the "
                               "model version %2 is broken and cannot be indexed.")
                    .arg(matrix.ids[row]).arg(matrix.version));
        }
    }

    QElapsedTimer timer;
    timer.start();
    auto data = std::make_shared<Data>();
    data->version = matrix.version;
    data->kind = matrix.rows() >= options.approximateThreshold ? IndexKind::Approximate
                                                               : IndexKind::Exact;
    const auto *ids = reinterpret_cast<const FaissId *>(matrix.ids.constData());
    try {
        if (data->kind == IndexKind::Exact) {
            auto map = std::make_unique<faiss::IndexIDMap2>(
                new faiss::IndexFlatIP(matrix.dimension));
            map->own_fields = true;
            map->add_with_ids(matrix.rows(), matrix.data(), ids);
            data->index = std::move(map);
            data->recallAt10 = 1.0;
        } else {
            const int lists = listCount(matrix.rows());
            auto ivf = std::make_unique<faiss::IndexIVFFlat>(
                new faiss::IndexFlatIP(matrix.dimension), matrix.dimension, size_t(lists),
                faiss::METRIC_INNER_PRODUCT);
            ivf->own_fields = true;
            ivf->cp.max_points_per_centroid = TrainingPointsPerList;
            ivf->cp.min_points_per_centroid =
                int(std::min<qint64>(MinPointsPerList, matrix.rows() / lists));
            ivf->cp.seed = int(options.seed);
            ivf->train(matrix.rows(), matrix.data());
            ivf->add_with_ids(matrix.rows(), matrix.data(), ids);
            data->index = std::move(ivf);
        }
    } catch (const std::exception &error) {
        return Result<VectorIndex>::failure(faissError(QStringLiteral("Faiss could not build "
                                                                      "the index"), error));
    }

    VectorIndex index;
    index.m_data = std::move(data);
    if (Status status = index.calibrate(matrix, options); !status) {
        return Result<VectorIndex>::failure(status.error());
    }
    const IndexStats stats = index.stats();
    qCInfo(lcIndex).noquote() << QStringLiteral("built %1 index of version %2: %3 vectors, "
                                                "%4 lists, %5 probes, recall@10 %6, %7 ms")
                                     .arg(indexKindName(stats.kind)).arg(matrix.version)
                                     .arg(stats.size).arg(stats.lists).arg(stats.probes)
                                     .arg(stats.recallAt10.value_or(-1), 0, 'f', 3)
                                     .arg(timer.elapsed());
    return index;
}

Result<VectorIndex> VectorIndex::load(const QString &path, int version, LoadMode mode)
{
    if (!QFile::exists(path)) {
        return Result<VectorIndex>::failure(QStringLiteral("%1 does not exist.").arg(path));
    }

    // The side file names the version the vectors belong to; an index is never used for
    // another version, whatever its file is called.
    IndexStats saved;
    QFile side(path + QStringLiteral(".json"));
    if (side.open(QIODevice::ReadOnly)) {
        const QJsonObject json = QJsonDocument::fromJson(side.readAll()).object();
        if (json.value(QStringLiteral("version")).toInt(-1) != version) {
            return Result<VectorIndex>::failure(
                QStringLiteral("%1 holds vectors of model version %2, not %3; it will be "
                               "rebuilt.")
                    .arg(path).arg(json.value(QStringLiteral("version")).toInt(-1))
                    .arg(version));
        }
        saved = IndexStats::fromJson(json);
    }

    auto data = std::make_shared<Data>();
    data->version = version;
    try {
        const int flags = mode == LoadMode::Mapped ? faiss::IO_FLAG_MMAP : 0;
        data->index.reset(faiss::read_index(QFile::encodeName(path).constData(), flags));
    } catch (const std::exception &error) {
        return Result<VectorIndex>::failure(
            QStringLiteral("%1 is not a readable index (%2); it will be rebuilt.")
                .arg(path, QString::fromUtf8(error.what())));
    }
    if (faiss::IndexIVFFlat *ivf = data->inverted()) {
        data->kind = IndexKind::Approximate;
        data->mapped = mode == LoadMode::Mapped;

        // Mapped lists are paged in by the scan itself; Faiss's prefetch would start
        // threads on every search.
        if (auto *onDisk = dynamic_cast<faiss::OnDiskInvertedLists *>(ivf->invlists)) {
            onDisk->prefetch_nthread = 0;
        }
        data->recallAt10 = saved.recallAt10;
        data->recallQueries = saved.recallQueries;
    } else if (dynamic_cast<faiss::IndexIDMap2 *>(data->index.get())
               && data->index->metric_type == faiss::METRIC_INNER_PRODUCT) {
        data->recallAt10 = 1.0;
    } else {
        return Result<VectorIndex>::failure(
            QStringLiteral("%1 is not an index this program writes; it will be rebuilt.")
                .arg(path));
    }

    VectorIndex index;
    index.m_data = std::move(data);
    return index;
}

QString VectorIndex::verifyFile(const QString &path)
{
    QFile side(path + QStringLiteral(".json"));
    if (!side.open(QIODevice::ReadOnly)) {
        return {};
    }
    const QString recorded =
        QJsonDocument::fromJson(side.readAll()).object().value(QStringLiteral("sha256")).toString();
    if (recorded.isEmpty() || recorded == fileChecksum(path)) {
        return {};
    }
    return QStringLiteral("%1 is damaged (its contents differ from the checksum written with "
                          "it)").arg(path);
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
    } catch (const std::exception &error) {
        std::remove(partial.constData());
        return Status::failure(faissError(QStringLiteral("Cannot write the index %1").arg(path),
                                          error));
    }
    if (std::rename(partial.constData(), target.constData()) != 0) {
        std::remove(partial.constData());
        return Status::failure(QStringLiteral("Cannot replace %1.").arg(path));
    }

    QJsonObject json = stats().toJson();
    json.insert(QStringLiteral("version"), m_data->version);
    json.insert(QStringLiteral("sha256"), fileChecksum(path));
    QSaveFile side(path + QStringLiteral(".json"));
    if (!side.open(QIODevice::WriteOnly)
        || side.write(QJsonDocument(json).toJson()) < 0 || !side.commit()) {
        return Status::failure(QStringLiteral("Cannot write %1: %2")
                                   .arg(side.fileName(), side.errorString()));
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

IndexKind VectorIndex::kind() const
{
    return m_data ? m_data->kind : IndexKind::Exact;
}

IndexStats VectorIndex::stats() const
{
    IndexStats stats;
    if (!m_data) {
        return stats;
    }
    stats.kind = m_data->kind;
    stats.size = size();
    stats.dimension = dimension();
    if (const faiss::IndexIVFFlat *ivf = m_data->inverted()) {
        stats.lists = int(ivf->nlist);
        stats.probes = int(ivf->nprobe);
    }
    stats.recallAt10 = m_data->recallAt10;
    stats.recallQueries = m_data->recallQueries;
    return stats;
}

Status VectorIndex::detach()
{
    if (!m_data) {
        return Status::failure(QStringLiteral("There is no index to change."));
    }
    if (m_data.use_count() == 1 && !m_data->mapped) {
        return {};
    }

    auto copy = std::make_shared<Data>(Data{m_data->version, m_data->kind, nullptr, false,
                                            m_data->recallAt10, m_data->recallQueries});
    try {
        if (const faiss::IndexIVFFlat *ivf = m_data->inverted()) {
            copy->index = copyToMemory(*ivf);
        } else {
            copy->index.reset(faiss::clone_index(m_data->index.get()));
        }
    } catch (const std::exception &error) {
        return Status::failure(faissError(QStringLiteral("Cannot copy the index"), error));
    }
    m_data = std::move(copy);
    return {};
}

Status VectorIndex::add(const EmbeddingMatrix &rows)
{
    if (!m_data) {
        return Status::failure(QStringLiteral("There is no index to add to."));
    }
    if (rows.version != m_data->version) {
        return Status::failure(QStringLiteral("The index holds vectors of model version %1; "
                                              "vectors of version %2 cannot join it.")
                                   .arg(m_data->version).arg(rows.version));
    }
    if (rows.rows() > 0 && rows.dimension != dimension()) {
        return Status::failure(QStringLiteral("The index holds %1-dimensional vectors, not %2.")
                                   .arg(dimension()).arg(rows.dimension));
    }
    for (qint64 row = 0; row < rows.rows(); ++row) {
        if (!allFinite(rows.row(row), rows.dimension)) {
            return Status::failure(QStringLiteral("The embedding of image %1 holds NaN or "
                                                  "infinite values and was not indexed.")
                                       .arg(rows.ids[row]));
        }
    }
    if (rows.rows() == 0) {
        return {};
    }

    if (Status status = detach(); !status) {
        return status;
    }
    try {
        m_data->index->add_with_ids(rows.rows(), rows.data(),
                                    reinterpret_cast<const FaissId *>(rows.ids.constData()));
    } catch (const std::exception &error) {
        return Status::failure(faissError(QStringLiteral("Faiss could not add the vectors"),
                                          error));
    }
    qCDebug(lcIndex) << "added" << rows.rows() << "vectors to the index of version"
                     << m_data->version;
    return {};
}

Status VectorIndex::remove(const QVector<qint64> &ids)
{
    if (ids.isEmpty()) {
        return {};
    }
    if (Status status = detach(); !status) {
        return status;
    }

    try {
        const faiss::IDSelectorBatch selector(
            size_t(ids.size()), reinterpret_cast<const FaissId *>(ids.constData()));
        const size_t removed = m_data->index->remove_ids(selector);
        qCDebug(lcIndex) << "removed" << removed << "vectors from the index of version"
                         << m_data->version;
    } catch (const std::exception &error) {
        return Status::failure(faissError(QStringLiteral("Faiss could not remove the vectors"),
                                          error));
    }
    return {};
}

Status VectorIndex::calibrate(const EmbeddingMatrix &matrix, const IndexOptions &options)
{
    if (Status status = detach(); !status) {
        return status;
    }
    faiss::IndexIVFFlat *ivf = m_data->inverted();
    if (!ivf) {
        m_data->recallAt10 = 1.0;
        return {};
    }
    if (matrix.rows() <= RecallDepth) {
        m_data->recallAt10.reset();
        m_data->recallQueries = 0;
        return {};
    }
    auto sample = RecallSample::make(matrix, options.recallQueries, options.seed, RecallDepth);
    if (!sample) {
        return Status::failure(sample.error());
    }

    // Probe 1, 2, 4, ... clusters until the sample's recall reaches the target.
    double recall = 0;
    for (size_t probes = 1;; probes = std::min(probes * 2, ivf->nlist)) {
        ivf->nprobe = probes;
        auto measured = sample->recallOf(*this);
        if (!measured) {
            return Status::failure(measured.error());
        }
        recall = *measured;
        if (recall >= options.targetRecall || probes == ivf->nlist) {
            break;
        }
    }
    m_data->recallAt10 = recall;
    m_data->recallQueries = sample->selfIds.size();
    return {};
}

Result<double> VectorIndex::measureRecall(const EmbeddingMatrix &matrix, int queries,
                                          quint64 seed, int k) const
{
    if (!m_data || matrix.dimension != dimension()) {
        return Result<double>::failure(QStringLiteral("The matrix does not match the index."));
    }
    const auto sample = RecallSample::make(matrix, queries, seed, k);
    return sample ? sample->recallOf(*this) : Result<double>::failure(sample.error());
}

Result<QVector<Neighbour>> VectorIndex::search(const float *query, int k, qint64 excludeId) const
{
    auto batch = searchBatch(query, 1, excludeId >= 0 ? k + 1 : k);
    if (!batch) {
        return Result<QVector<Neighbour>>::failure(batch.error());
    }

    QVector<Neighbour> neighbours;
    neighbours.reserve(k);
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
    if (!allFinite(queries, n * dimension())) {
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
    } catch (const std::exception &error) {
        return Answer::failure(faissError(QStringLiteral("The index search failed"), error));
    }

    // An approximate index returns -1 where its probed clusters held fewer than k vectors.
    for (qint64 q = 0; q < n; ++q) {
        answers[q].reserve(kept);
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
