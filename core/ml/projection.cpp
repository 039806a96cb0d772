#include "projection.h"

#include "logging.h"
#include "ml/modelversion.h"
#include "store/project.h"

#include <QDataStream>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSaveFile>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <faiss/IndexFlat.h>
#include <faiss/impl/FaissException.h>
#include <opencv2/core.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace likeness {

namespace {

constexpr quint32 Magic = 0x504d4b4c; // "LKMP" read as little-endian bytes
constexpr int FingerprintBytes = 32;

// t-SNE settings after Kobak & Berens (2019), "The art of using t-SNE for single-cell
// transcriptomics": PCA start scaled to a tiny spread, learning rate n / 12, early
// exaggeration 12 for the first 150 iterations.
constexpr int TsneInputDimensions = 50;
constexpr double TsnePerplexity = 30.0;
constexpr int TsneNeighbours = 90; // 3 × perplexity
constexpr int64_t TsneQueryBlock = 8192;
constexpr double TsneMinAffinity = 1e-3; // p(j|i) below this is left out
constexpr int TsneEarlyIterations = 150;
constexpr int TsneIterations = 500;
constexpr int TsneCoolDown = 100;  // last iterations, with the learning rate falling to 0
constexpr int TsneNegativeSamples = 16; // random points per point for the repulsion
constexpr double TsneExaggeration = 12.0;
constexpr quint64 TsneSeed = 20260;

QString versionName(int version)
{
    return QStringLiteral("v%1").arg(version, 4, 10, QLatin1Char('0'));
}

Result<Projection> canceled()
{
    return Result<Projection>::failure(QStringLiteral("Computing the map was cancelled."));
}

// Conditional affinities p(j|i) over each row's k nearest neighbours, with each row's
// Gaussian width found by bisection so that its entropy matches log(perplexity).
// distances: n × k squared distances, ascending per row. Returns n × k, rows summing to 1.
at::Tensor conditionalAffinities(const at::Tensor &distances, double perplexity)
{
    const at::Tensor shifted = distances - distances.narrow(1, 0, 1);
    const double target = std::log(perplexity);
    at::Tensor low = at::full({distances.size(0), 1}, -30.0, distances.options());
    at::Tensor high = at::full({distances.size(0), 1}, 30.0, distances.options());
    const at::Tensor scale = shifted.mean(1, true).clamp_min(1e-12);

    // Bisection on log(beta), all rows at once; beta is relative to each row's mean distance.
    for (int step = 0; step < 60; ++step) {
        const at::Tensor logBeta = (low + high) / 2;
        const at::Tensor beta = logBeta.exp() / scale;
        const at::Tensor weights = at::exp(-shifted * beta);
        const at::Tensor sum = weights.sum(1, true).clamp_min(1e-30);
        const at::Tensor entropy = sum.log() + beta * (shifted * weights).sum(1, true) / sum;
        const at::Tensor tooWide = entropy > target;
        low = at::where(tooWide, logBeta, low);
        high = at::where(tooWide, high, logBeta);
    }
    const at::Tensor beta = ((low + high) / 2).exp() / scale;
    const at::Tensor weights = at::exp(-shifted * beta);
    return weights / weights.sum(1, true).clamp_min(1e-30);
}

// TODO(#8): Debian 12 packages no t-SNE or UMAP library usable from C++ (only R and Python
// ones), so this is a small t-SNE of our own on LibTorch tensors; replace it with a library
// (openTSNE's FIt-SNE, umappp) once one is packaged. Attraction runs over the kNN graph as in
// Barnes-Hut t-SNE; repulsion is estimated from a few random points per point per iteration
// (negative sampling), so one iteration costs O(n · (k + samples)).
Result<Projection> tsneLayout(const EmbeddingMatrix &matrix, JobControl &control)
{
    const int64_t n = matrix.rows();
    const int inputDimensions = std::min(TsneInputDimensions, matrix.dimension);
    const int k = int(std::min<int64_t>(TsneNeighbours, n - 1));
    const qint64 totalSteps = TsneIterations + 2;

    // Reduce to at most 50 dimensions first: kNN gets cheaper, and PCA gives the start layout.
    control.setProgress(0, totalSteps, QStringLiteral("Principal components"));
    Result<PcaResult> pca = principalComponents(matrix.data(), n, matrix.dimension,
                                                inputDimensions);
    if (!pca) {
        return Result<Projection>::failure(pca.error());
    }
    if (control.isCanceled()) {
        return canceled();
    }

    // Exact kNN in blocks of queries, so that a cancel is seen within one block.
    faiss::IndexFlatL2 index(inputDimensions);
    index.add(n, pca->scores.data());
    std::vector<float> knnDistances(size_t(n) * (k + 1));
    std::vector<faiss::Index::idx_t> knnLabels(size_t(n) * (k + 1));
    for (int64_t first = 0; first < n; first += TsneQueryBlock) {
        if (control.isCanceled()) {
            return canceled();
        }
        control.setProgress(1, totalSteps,
                            QStringLiteral("Nearest neighbours: %1 of %2").arg(first).arg(n));
        const int64_t count = std::min<int64_t>(TsneQueryBlock, n - first);
        index.search(count, pca->scores.data() + first * inputDimensions, k + 1,
                     knnDistances.data() + first * (k + 1), knnLabels.data() + first * (k + 1));
    }

    // Drop each row's first hit (the point itself) and turn distances into affinities.
    const auto floatOptions = at::TensorOptions().dtype(at::kFloat);
    const at::Tensor distances = at::from_blob(knnDistances.data(), {n, k + 1}, floatOptions)
                                     .narrow(1, 1, k)
                                     .contiguous();
    const at::Tensor allNeighbours = at::from_blob(knnLabels.data(), {n, k + 1},
                                                   at::TensorOptions().dtype(at::kLong))
                                         .narrow(1, 1, k)
                                         .reshape({-1});

    // Edges that carry almost no affinity are dropped; that roughly halves the work per
    // iteration. Each directed edge i→j carries p(j|i) / 2n, scaled so that the symmetric
    // p_ij = (p(j|i) + p(i|j)) / 2n over all pairs still sums to 1.
    const at::Tensor conditional = conditionalAffinities(distances, TsnePerplexity).reshape({-1});
    const at::Tensor kept = (conditional >= TsneMinAffinity).nonzero().reshape({-1});
    const at::Tensor sources = at::arange(n, at::kLong).repeat_interleave(k).index_select(0, kept);
    const at::Tensor neighbours = allNeighbours.index_select(0, kept);
    at::Tensor affinity = conditional.index_select(0, kept).reshape({-1, 1});
    affinity = affinity / (2.0 * affinity.sum());

    // Start from the first two principal components, scaled to a standard deviation of 1e-4.
    at::Tensor y = at::from_blob(pca->scores.data(), {n, inputDimensions}, floatOptions)
                       .narrow(1, 0, 2)
                       .clone();
    y = y / y.narrow(1, 0, 1).std().clamp_min(1e-12) * 1e-4;
    at::Tensor update = at::zeros_like(y);
    const double learningRate = std::max(double(n) / TsneExaggeration, 50.0);
    at::Generator generator = at::detail::createCPUGenerator(TsneSeed);

    for (int iteration = 0; iteration < TsneIterations; ++iteration) {
        if (control.isCanceled()) {
            return canceled();
        }
        const bool early = iteration < TsneEarlyIterations;

        // Attraction along the kNN edges, applied to both ends (P is symmetric). Sums go
        // through 1-D index_add_, which LibTorch runs as one loop (2-D runs row by row).
        const at::Tensor edge = y.index_select(0, sources) - y.index_select(0, neighbours);
        const at::Tensor edgeKernel = 1.0 / (1.0 + edge.pow(2).sum(1, true));
        const at::Tensor pull = affinity * edgeKernel * edge;
        at::Tensor gradient = at::zeros_like(y);
        for (int axis = 0; axis < 2; ++axis) {
            at::Tensor column = at::zeros({n}, floatOptions);
            const at::Tensor pulled = pull.select(1, axis).contiguous();
            column.index_add_(0, sources, pulled);
            column.index_add_(0, neighbours, -pulled);
            gradient.select(1, axis).copy_(column);
        }
        gradient.mul_(early ? TsneExaggeration : 1.0);

        // Repulsion from random points; the same samples estimate the normalisation Z.
        const at::Tensor others = at::randint(n, {n * TsneNegativeSamples}, generator,
                                              at::TensorOptions().dtype(at::kLong));
        const at::Tensor away = y.repeat_interleave(TsneNegativeSamples, 0)
                                - y.index_select(0, others);
        const at::Tensor kernel = 1.0 / (1.0 + away.pow(2).sum(1, true));
        const double z = kernel.sum().item<double>() * double(n - 1) / TsneNegativeSamples;
        const at::Tensor push = (kernel.pow(2) * away)
                                    .view({n, TsneNegativeSamples, 2})
                                    .sum(1)
                                * (double(n - 1) / TsneNegativeSamples / std::max(z, 1e-12));
        gradient = 4.0 * (gradient - push);

        // Gradient descent with momentum. No per-coordinate gains: the sampled repulsion flips
        // gradient signs at random, which would inflate them; a linear cool-down at the end
        // lets that noise settle instead.
        const int left = TsneIterations - iteration;
        const double rate = learningRate * std::min(1.0, double(left) / TsneCoolDown);
        update = (early ? 0.5 : 0.8) * update - rate * gradient;
        y = y + update;
        y = y - y.mean(0, true);
        control.setProgress(iteration + 2, totalSteps, QStringLiteral("t-SNE layout"));
    }

    Projection projection;
    projection.xy.resize(size_t(n) * 2);
    const at::Tensor result = y.contiguous();
    std::copy_n(result.data_ptr<float>(), n * 2, projection.xy.begin());
    return projection;
}

Result<Projection> pcaLayout(const EmbeddingMatrix &matrix)
{
    Result<PcaResult> pca = principalComponents(matrix.data(), matrix.rows(),
                                                matrix.dimension, 2);
    if (!pca) {
        return Result<Projection>::failure(pca.error());
    }
    Projection projection;
    projection.xy = std::move(pca->scores);
    return projection;
}

} // namespace

QString projectionMethodName(ProjectionMethod method)
{
    return method == ProjectionMethod::Tsne ? QStringLiteral("tsne") : QStringLiteral("pca");
}

Result<PcaResult> principalComponents(const float *values, qint64 rows, int dimension,
                                      int components)
{
    if (rows < 2 || dimension < 1 || components < 1 || components > dimension) {
        return Result<PcaResult>::failure(
            QStringLiteral("A map needs at least two images with embeddings."));
    }

    try {
        const cv::Mat data(int(rows), dimension, CV_32F, const_cast<float *>(values));
        cv::PCA pca(data, cv::noArray(), cv::PCA::DATA_AS_ROW, components);
        cv::Mat eigenvectors = pca.eigenvectors.clone(); // components × d

        // Fix each component's sign by its largest coefficient.
        for (int c = 0; c < eigenvectors.rows; ++c) {
            cv::Point maxAt;
            cv::Point minAt;
            double minValue = 0;
            double maxValue = 0;
            cv::minMaxLoc(eigenvectors.row(c), &minValue, &maxValue, &minAt, &maxAt);
            if (-minValue > maxValue) {
                eigenvectors.row(c) *= -1.0;
            }
        }
        pca.eigenvectors = eigenvectors;

        PcaResult result;
        result.scores.resize(size_t(rows) * components);
        cv::Mat scores(int(rows), components, CV_32F, result.scores.data());
        pca.project(data, scores);
        if (scores.data != reinterpret_cast<uchar *>(result.scores.data())) {
            return Result<PcaResult>::failure(QStringLiteral("cv::PCA reallocated its output"));
        }
        result.components.assign(eigenvectors.ptr<float>(),
                                 eigenvectors.ptr<float>() + size_t(components) * dimension);
        for (int c = 0; c < pca.eigenvalues.rows; ++c) {
            result.variances.push_back(pca.eigenvalues.at<float>(c));
        }
        return result;
    } catch (const cv::Exception &error) {
        const QString message = QString::fromStdString(error.msg);
        return Result<PcaResult>::failure(
            QStringLiteral("Principal components failed: %1").arg(message));
    }
}

Result<Projection> projectEmbeddings(const EmbeddingMatrix &matrix, ProjectionMethod method,
                                     JobControl &control)
{
    if (matrix.rows() < 3 || matrix.dimension < 2) {
        return Result<Projection>::failure(
            QStringLiteral("A map needs at least three images with embeddings."));
    }

    QElapsedTimer timer;
    timer.start();
    Result<Projection> projection = Result<Projection>::failure(QString());
    try {
        projection = method == ProjectionMethod::Tsne ? tsneLayout(matrix, control)
                                                      : pcaLayout(matrix);
    } catch (const c10::Error &error) {
        const QString message = QString::fromUtf8(error.what_without_backtrace());
        return Result<Projection>::failure(QStringLiteral("t-SNE failed: %1").arg(message));
    } catch (const faiss::FaissException &error) {
        return Result<Projection>::failure(
            QStringLiteral("Nearest neighbours for t-SNE failed: %1").arg(error.what()));
    }
    if (!projection) {
        return projection;
    }

    projection->version = matrix.version;
    projection->method = method;
    projection->contentFingerprint = matrix.contentFingerprint.leftJustified(FingerprintBytes,
                                                                             '\0', true);
    projection->ids = matrix.ids;
    qCInfo(lcMap) << "projected" << matrix.rows() << "embeddings of version" << matrix.version
                  << "with" << projectionMethodName(method) << "in" << timer.elapsed() << "ms";
    return projection;
}

Status saveProjection(const QString &path, const Projection &projection)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        return Status::failure(QStringLiteral("Cannot write %1: %2").arg(path, file.errorString()));
    }

    QDataStream out(&file);
    out.setByteOrder(QDataStream::LittleEndian);
    out << Magic << quint32(projection.version) << quint32(projection.method)
        << quint64(projection.ids.size());
    const QByteArray fingerprint = projection.contentFingerprint.leftJustified(FingerprintBytes,
                                                                               '\0', true);
    out.writeRawData(fingerprint.constData(), FingerprintBytes);
    for (qint64 id : projection.ids) {
        out << id;
    }
    out.writeRawData(reinterpret_cast<const char *>(projection.xy.data()),
                     qsizetype(projection.xy.size() * sizeof(float)));
    if (out.status() != QDataStream::Ok || !file.commit()) {
        return Status::failure(QStringLiteral("Cannot write %1: %2 (is the disk full?)")
                                   .arg(path, file.errorString()));
    }
    return {};
}

Result<Projection> loadProjection(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return Result<Projection>::failure(
            QStringLiteral("Cannot read %1: %2").arg(path, file.errorString()));
    }

    QDataStream in(&file);
    in.setByteOrder(QDataStream::LittleEndian);
    quint32 magic = 0;
    quint32 version = 0;
    quint32 method = 0;
    quint64 rows = 0;
    in >> magic >> version >> method >> rows;
    const qint64 expectedBytes = 20 + FingerprintBytes + qint64(rows) * (8 + 8);
    if (magic != Magic || method > 1 || file.size() != expectedBytes) {
        return Result<Projection>::failure(QStringLiteral("%1 is not a map file").arg(path));
    }

    Projection projection;
    projection.version = int(version);
    projection.method = ProjectionMethod(method);
    projection.contentFingerprint.resize(FingerprintBytes);
    in.readRawData(projection.contentFingerprint.data(), FingerprintBytes);
    projection.ids.resize(qsizetype(rows));
    for (qint64 &id : projection.ids) {
        in >> id;
    }
    projection.xy.resize(size_t(rows) * 2);
    in.readRawData(reinterpret_cast<char *>(projection.xy.data()),
                   qsizetype(projection.xy.size() * sizeof(float)));
    if (in.status() != QDataStream::Ok) {
        return Result<Projection>::failure(QStringLiteral("%1 is truncated").arg(path));
    }
    return projection;
}

QString projectionPath(const Project &project, int version, ProjectionMethod method)
{
    return project.filePath(QStringLiteral("maps/%1-%2.f32")
                                .arg(versionName(version), projectionMethodName(method)));
}

bool projectionMatches(const Projection &projection, const EmbeddingMatrix &matrix,
                       ProjectionMethod method)
{
    const QByteArray fingerprint = matrix.contentFingerprint.leftJustified(FingerprintBytes,
                                                                           '\0', true);
    return projection.version == matrix.version && projection.method == method
           && projection.contentFingerprint == fingerprint && projection.ids == matrix.ids
           && projection.xy.size() == size_t(matrix.rows()) * 2;
}

QVector<float> projectionDisplacement(const Projection &previous, const Projection &current)
{
    // Pair up the rows of the images both projections hold (ids ascending in both).
    QVector<int> currentRows;
    QVector<int> previousRows;
    for (int c = 0, p = 0; c < current.ids.size() && p < previous.ids.size();) {
        if (current.ids[c] == previous.ids[p]) {
            currentRows.append(c++);
            previousRows.append(p++);
        } else if (current.ids[c] < previous.ids[p]) {
            ++c;
        } else {
            ++p;
        }
    }
    if (currentRows.size() < 3) {
        return {};
    }

    // Centre both point sets and scale them to a unit root-mean-square radius.
    const int shared = int(currentRows.size());
    cv::Mat a(shared, 2, CV_64F);
    cv::Mat b(shared, 2, CV_64F);
    for (int i = 0; i < shared; ++i) {
        for (int axis = 0; axis < 2; ++axis) {
            a.at<double>(i, axis) = previous.xy[size_t(previousRows[i]) * 2 + axis];
            b.at<double>(i, axis) = current.xy[size_t(currentRows[i]) * 2 + axis];
        }
    }
    cv::Mat meanA;
    cv::Mat meanB;
    cv::reduce(a, meanA, 0, cv::REDUCE_AVG);
    cv::reduce(b, meanB, 0, cv::REDUCE_AVG);
    a -= cv::repeat(meanA, shared, 1);
    b -= cv::repeat(meanB, shared, 1);
    const double radiusA = std::max(std::sqrt(cv::norm(a, cv::NORM_L2SQR) / shared), 1e-12);
    const double radiusB = std::max(std::sqrt(cv::norm(b, cv::NORM_L2SQR) / shared), 1e-12);
    a /= radiusA;
    b /= radiusB;

    // The orthogonal map (rotation or mirror) taking a closest to b: U·Vt from svd(aᵀ·b).
    const cv::SVD svd(a.t() * b);
    const cv::Mat rotation = svd.u * svd.vt;
    const cv::Mat aligned = a * rotation;

    QVector<float> displacement(current.rows(), std::numeric_limits<float>::quiet_NaN());
    for (int i = 0; i < shared; ++i) {
        const double dx = aligned.at<double>(i, 0) - b.at<double>(i, 0);
        const double dy = aligned.at<double>(i, 1) - b.at<double>(i, 1);
        displacement[currentRows[i]] = float(std::hypot(dx, dy));
    }
    return displacement;
}

Result<VersionMap> loadVersionMap(Project &project, const EmbeddingMatrix &matrix,
                                  ProjectionMethod method, JobControl &control)
{
    QDir(project.folder()).mkpath(QStringLiteral("maps"));
    VersionMap map;

    // The cached layout is used only when it was made from exactly these embeddings.
    const QString path = projectionPath(project, matrix.version, method);
    Result<Projection> cached = loadProjection(path);
    if (cached && projectionMatches(*cached, matrix, method)) {
        map.projection = std::move(*cached);
    } else {
        qCInfo(lcMap) << "computing the" << projectionMethodName(method) << "map of version"
                      << matrix.version << (cached ? "(cache out of date)" : "(no cache)");
        Result<Projection> computed = projectEmbeddings(matrix, method, control);
        if (!computed) {
            return Result<VersionMap>::failure(computed.error());
        }
        map.projection = std::move(*computed);
        map.rebuilt = true;
        if (Status saved = saveProjection(path, map.projection); !saved) {
            qCWarning(lcMap) << saved.error();
        }
    }

    // Compare with the parent version when its embeddings are at hand; never embed for it.
    const std::optional<ModelVersionRecord> record = project.modelVersion(matrix.version);
    const int previous = record && record->parent != matrix.version ? record->parent : -1;
    if (previous < 0 || matrix.version == 0) {
        return map;
    }
    Result<EmbeddingMatrix> previousMatrix = loadEmbeddings(embeddingsPath(project, previous));
    if (!previousMatrix || previousMatrix->version != previous || previousMatrix->rows() < 3) {
        return map;
    }
    const QString previousPath = projectionPath(project, previous, method);
    Result<Projection> previousMap = loadProjection(previousPath);
    if (!previousMap || !projectionMatches(*previousMap, *previousMatrix, method)) {
        previousMap = projectEmbeddings(*previousMatrix, method, control);
        if (!previousMap) {
            qCWarning(lcMap) << "no map of version" << previous << ":" << previousMap.error();
            return control.isCanceled() ? Result<VersionMap>::failure(previousMap.error())
                                        : Result<VersionMap>(std::move(map));
        }
        if (Status saved = saveProjection(previousPath, *previousMap); !saved) {
            qCWarning(lcMap) << saved.error();
        }
    }
    map.previousVersion = previous;
    map.displacement = projectionDisplacement(*previousMap, map.projection);
    return map;
}

} // namespace likeness
