#pragma once

#include "result.h"

#include <QJsonObject>
#include <QString>
#include <QVector>

#include <memory>
#include <optional>

namespace faiss {
struct Index;
}

namespace likeness {

struct EmbeddingMatrix;

struct Neighbour
{
    qint64 id = 0;          // image id
    float similarity = 0.f; // cosine similarity, clamped to [-1, 1]
};

// How an index searches: every vector (exact) or an inverted file of clusters (approximate).
enum class IndexKind { Exact, Approximate };

QString indexKindName(IndexKind kind);

// Choices made when an index is built. The defaults suit a desktop; tests lower the
// threshold to cross it with a few thousand vectors.
struct IndexOptions
{
    // At or above this many vectors the index is approximate (Faiss IVF-Flat, inner product);
    // below it, exact (Faiss flat inner product).
    qint64 approximateThreshold = 200000;
    // The approximate index probes as few clusters as reach this recall@10 against the exact
    // search, measured on recallQueries vectors drawn from the index itself.
    double targetRecall = 0.95;
    int recallQueries = 200;
    // Seed of the recall sample, so a measurement can be repeated.
    quint64 seed = 1;
};

// What an index reports about itself: shown by `likeness-cli info` and stored with the
// version's metrics.
struct IndexStats
{
    IndexKind kind = IndexKind::Exact;
    qint64 size = 0;
    int dimension = 0;
    int lists = 0;  // clusters of the approximate index (0 when exact)
    int probes = 0; // clusters searched per query (0 when exact)
    // recall@10 against the exact search on a sample; 1 for an exact index; empty when an
    // approximate index has not been measured (fewer than 11 vectors).
    std::optional<double> recallAt10;
    qint64 recallQueries = 0;

    QJsonObject toJson() const;
    static IndexStats fromJson(const QJsonObject &json);
};

// A nearest-neighbour index over the embeddings of one model version, keyed by image id.
// Inner-product search over L2-normalised vectors, so scores are cosine similarities.
//
// Contract:
//  1. An index holds the vectors of exactly one model version; adding vectors of another
//     version is refused.
//  2. Vectors holding NaN or infinity are refused with a message, at build, add and search.
//  3. Results hold only ids that are in the index (never -1, never a removed id), at most
//     min(k, size()) of them, most similar first, similarities clamped to [-1, 1].
//  4. build() picks the kind from IndexOptions::approximateThreshold; an approximate index
//     measures its recall@10 against the exact search when built (see calibrate()).
//
// Cheap to copy: copies share one Faiss index. const functions are safe from several threads
// at once; add() and remove() copy the Faiss index first when another copy shares it, so
// they never change what other copies see.
class VectorIndex
{
public:
    // How load() brings the vectors into memory.
    enum class LoadMode {
        InMemory, // read the whole file: the index can be changed with add() and remove()
        Mapped,   // map what Faiss can map (the lists of an approximate index): opening costs
                  // no reading of vectors; add() and remove() then read the index first
    };

    VectorIndex();

    // matrix: rows() × dimension float32 with ids; an empty matrix gives an empty index.
    static Result<VectorIndex> build(const EmbeddingMatrix &matrix,
                                     const IndexOptions &options = {});
    // The file holds the Faiss index; path + ".json" holds the version and stats.
    static Result<VectorIndex> load(const QString &path, int version,
                                    LoadMode mode = LoadMode::InMemory);
    Status save(const QString &path) const;
    // Compares the index file with the checksum its side file recorded when it was saved:
    // empty when they agree (or an older side file has none), else what is wrong. Reads the
    // whole file, so it is for checks, not for every load.
    static QString verifyFile(const QString &path);

    int version() const;
    int dimension() const;
    qint64 size() const;
    IndexKind kind() const;
    IndexStats stats() const;

    // Adds rows of the same model version whose ids are not yet in the index, without
    // rebuilding (an approximate index puts them into its existing clusters). Call
    // calibrate() afterwards to measure the recall again.
    Status add(const EmbeddingMatrix &rows);
    // Removes these ids (ids not in the index are ignored).
    Status remove(const QVector<qint64> &ids);

    // query: dimension() floats. Returns up to k neighbours, most similar first, leaving out
    // excludeId (pass -1 to keep all).
    Result<QVector<Neighbour>> search(const float *query, int k, qint64 excludeId = -1) const;
    // queries: n × dimension() floats, row-major; one list per query.
    Result<QVector<QVector<Neighbour>>> searchBatch(const float *queries, qint64 n, int k) const;

    // Measures recall@10 of an approximate index against the exact search over matrix (which
    // must hold the vectors the index holds) and probes as few clusters as reach
    // options.targetRecall. An exact index records recall 1.
    Status calibrate(const EmbeddingMatrix &matrix, const IndexOptions &options = {});

    // recall@k of this index's search against the exact search over matrix (the vectors the
    // index holds), on up to `queries` rows of matrix chosen with seed. Exact: 1.
    Result<double> measureRecall(const EmbeddingMatrix &matrix, int queries, quint64 seed,
                                 int k = 10) const;

private:
    friend const faiss::Index *faissIndexOf(const VectorIndex &index);
    struct Data;
    Status detach();

    std::shared_ptr<Data> m_data;
};

} // namespace likeness
