#pragma once

#include "result.h"

#include <QString>
#include <QVector>

#include <memory>

namespace likeness {

struct EmbeddingMatrix;

struct Neighbour
{
    qint64 id = 0;          // image id
    float similarity = 0.f; // cosine similarity, clamped to [-1, 1]
};

// A nearest-neighbour index over the embeddings of one model version, keyed by image id.
// Exact inner-product search over L2-normalised vectors (so scores are cosine similarities).
// Results never hold missing ids and never more than size() entries. Cheap to copy (shared,
// immutable after build); safe to search from several threads at once.
class VectorIndex
{
public:
    VectorIndex();

    static Result<VectorIndex> build(const EmbeddingMatrix &matrix);
    static Result<VectorIndex> load(const QString &path, int version);
    Status save(const QString &path) const;

    int version() const;
    int dimension() const;
    qint64 size() const;

    // query: dimension() floats. Returns up to k neighbours, most similar first, leaving out
    // excludeId (pass -1 to keep all).
    Result<QVector<Neighbour>> search(const float *query, int k, qint64 excludeId = -1) const;
    // queries: n × dimension() floats; one list per query.
    Result<QVector<QVector<Neighbour>>> searchBatch(const float *queries, qint64 n, int k) const;

private:
    struct Data;
    std::shared_ptr<const Data> m_data;
};

} // namespace likeness
