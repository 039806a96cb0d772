#pragma once

#include "jobs/jobcontrol.h"
#include "ml/embeddings.h"
#include "result.h"

#include <QByteArray>
#include <QString>
#include <QVector>

#include <vector>

namespace likeness {

class Project;

// How the embeddings are laid out in two dimensions.
enum class ProjectionMethod {
    Pca,  // the first two principal components (OpenCV's cv::PCA): fast, linear, global
    Tsne, // t-SNE started from the PCA layout: keeps neighbourhoods, slower (see projection.cpp)
};

QString projectionMethodName(ProjectionMethod method); // "pca" or "tsne", used in file names

// A 2-D layout of one model version's embeddings: point i is (xy[2i], xy[2i + 1]) and shows
// image ids[i]. The rows and their order are those of the embedding matrix it came from
// (ids ascending). Coordinates have no unit; only distances and directions within one
// projection mean something.
struct Projection
{
    int version = 0;
    ProjectionMethod method = ProjectionMethod::Pca;
    QByteArray contentFingerprint; // the embedding matrix's, at the time it was computed
    QVector<qint64> ids;
    std::vector<float> xy; // ids.size() × 2 float32, row-major

    qint64 rows() const { return ids.size(); }
};

// Principal components of an n × d float32 matrix (row-major), through cv::PCA.
struct PcaResult
{
    std::vector<float> scores;     // n × components: the rows projected on the components
    std::vector<float> components; // components × d, unit length, strongest first
    std::vector<float> variances;  // components values, the variance along each, descending
};

// Each component's sign is chosen so that its largest coefficient is positive, which keeps
// the layout of the same data the same from run to run. Needs n ≥ 2 and components ≤ d.
Result<PcaResult> principalComponents(const float *values, qint64 rows, int dimension,
                                      int components);

// Lays the rows of matrix out in two dimensions. Reports progress and stops with a failure
// when control is cancelled. PCA of 1M × 128 takes seconds; t-SNE takes about a minute per
// 100k rows on two cores (see the README's map benchmark).
Result<Projection> projectEmbeddings(const EmbeddingMatrix &matrix, ProjectionMethod method,
                                     JobControl &control);

// File layout: "LKMP" magic, uint32 model version, uint32 method (0 PCA, 1 t-SNE), uint64 n,
// 32 bytes content fingerprint, n int64 ids, n × 2 float32. Written atomically.
Status saveProjection(const QString &path, const Projection &projection);
Result<Projection> loadProjection(const QString &path);

// maps/vNNNN-<method>.f32 in the project folder.
QString projectionPath(const Project &project, int version, ProjectionMethod method);

// Whether a cached projection was made from exactly these embeddings (same version, rows and
// content fingerprint) with this method.
bool projectionMatches(const Projection &projection, const EmbeddingMatrix &matrix,
                       ProjectionMethod method);

// How far each point of current moved from its place in previous, after previous has been
// turned, mirrored, shifted and scaled onto current as well as possible (orthogonal
// Procrustes over the images both hold). Returns current.rows() values in units of
// current's root-mean-square radius; NaN for an image previous does not hold. Empty when
// fewer than three images are shared.
QVector<float> projectionDisplacement(const Projection &previous, const Projection &current);

// The map the app shows for one model version: its projection and, when an earlier version's
// embeddings are cached, how far each point moved since that version.
struct VersionMap
{
    Projection projection;
    int previousVersion = -1;        // -1: no earlier version to compare with
    QVector<float> displacement;     // empty, or projection.rows() values (see above)
    bool rebuilt = false;            // the projection was computed now, not read from maps/
};

// Reads the version's projection from maps/ when it matches matrix, else computes it and
// saves it there (a failed save is logged, not fatal). The previous version is the parent
// of matrix.version; its projection is read from or added to maps/ too when its embeddings
// are cached in embeddings/ (they are never computed here).
Result<VersionMap> loadVersionMap(Project &project, const EmbeddingMatrix &matrix,
                                  ProjectionMethod method, JobControl &control);

} // namespace likeness
