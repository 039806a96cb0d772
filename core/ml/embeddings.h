#pragma once

#include "jobs/jobcontrol.h"
#include "result.h"

#include <QVector>

#include <vector>

namespace likeness {

class Project;

// The embeddings of one model version: n rows of d float32 values, row-major, each row
// L2-normalised, with ids[i] the image id of row i (ascending).
struct EmbeddingMatrix
{
    int version = 0;
    int dimension = 0;
    QByteArray contentFingerprint; // 32 bytes: imageContentFingerprint() of the rows' images
    QVector<qint64> ids;
    std::vector<float> values; // ids.size() × dimension

    qint64 rows() const { return ids.size(); }
    const float *row(qint64 i) const { return values.data() + i * dimension; }
    qint64 rowOf(qint64 imageId) const; // -1 when the image has no row
};

// File layout: "LKEM" magic, uint32 version, uint32 dimension, uint64 n, 32 bytes content
// fingerprint, n int64 ids, n × d float32. Written atomically (a half-written file never
// replaces a good one).
Status saveEmbeddings(const QString &path, const EmbeddingMatrix &matrix);
Result<EmbeddingMatrix> loadEmbeddings(const QString &path);

// SHA-256 over the (id, content hash) pairs of the project's ok images, in id order: it
// changes when an image is added, removed or changes content, so a cache made before that is
// known to be stale.
QByteArray imageContentFingerprint(const Project &project);

// Embeds every ok image of the project with the given model version (0: classic
// descriptor; otherwise the trained model stored in models/vNNNN/).
// The ok images that have a cached model input, ascending: the rows an embedding matrix of
// the project has. An ok image without one is left out until it is imported again.
QVector<qint64> embeddableImageIds(const Project &project);

Result<EmbeddingMatrix> embedProjectImages(Project &project, int version, JobControl &control);

// Embeds one model input (ModelInputBytes, see imaging/decoder.h) with the given version.
Result<QVector<float>> embedModelInput(const Project &project, int version,
                                       const QByteArray &modelInput);

} // namespace likeness
