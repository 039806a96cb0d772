#include "ml/projection.h"
#include "store/project.h"

#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <numeric>

using namespace likeness;

namespace {

// n rows of d values: row i lies at t_i · direction + noise, with t_i spread over [-1, 1].
std::vector<float> pointsOnALine(int n, const std::vector<float> &direction, double noise)
{
    const int d = int(direction.size());
    QRandomGenerator random(7);
    std::vector<float> values(size_t(n) * d);
    for (int i = 0; i < n; ++i) {
        const double t = -1.0 + 2.0 * i / (n - 1);
        for (int j = 0; j < d; ++j) {
            values[size_t(i) * d + j] = float(t * direction[j]
                                              + noise * (random.generateDouble() - 0.5));
        }
    }
    return values;
}

// Points in `clusters` well-separated Gaussian blobs in d dimensions; labels[i] is the blob.
EmbeddingMatrix clusteredMatrix(int n, int d, int clusters, QVector<int> *labels)
{
    QRandomGenerator random(11);
    std::vector<std::vector<double>> centres(clusters, std::vector<double>(d));
    for (auto &centre : centres) {
        for (double &value : centre) {
            value = random.generateDouble() * 20.0 - 10.0;
        }
    }
    EmbeddingMatrix matrix;
    matrix.version = 1;
    matrix.dimension = d;
    matrix.contentFingerprint = QByteArray(32, 'a');
    for (int i = 0; i < n; ++i) {
        matrix.ids.append(i + 1);
        labels->append(i % clusters);
        for (int j = 0; j < d; ++j) {
            const double gauss = std::sqrt(-2.0 * std::log(1.0 - random.generateDouble()))
                                 * std::cos(2.0 * M_PI * random.generateDouble());
            matrix.values.push_back(float(centres[size_t(i % clusters)][size_t(j)] + gauss));
        }
    }
    return matrix;
}

} // namespace

class tst_Projection : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void pcaOfPointsOnALineIsALine();
    void pcaVariancesComeStrongestFirst_data();
    void pcaVariancesComeStrongestFirst();
    void pcaRefusesTooFewRows();
    void projectionKeepsRowsAndIds();
    void mappedEmbeddingsProjectLikeInMemoryOnes_data();
    void mappedEmbeddingsProjectLikeInMemoryOnes();
    void saveAndLoadRoundTrip();
    void cachedMapIsRebuiltWhenStale_data();
    void cachedMapIsRebuiltWhenStale();
    void displacementIgnoresTurnsAndMirrors();
    void tsneKeepsClustersApart();
    void cancelledTsneStops();
};

void tst_Projection::pcaOfPointsOnALineIsALine()
{
    // A line through 12-d space in a slanted direction, with a little noise.
    std::vector<float> direction(12);
    for (size_t j = 0; j < direction.size(); ++j) {
        direction[j] = float(j % 3 == 0 ? 1.0 : -0.5);
    }
    const double length = std::sqrt(std::inner_product(direction.cbegin(), direction.cend(),
                                                       direction.cbegin(), 0.0));
    const std::vector<float> values = pointsOnALine(200, direction, 0.01);

    Result<PcaResult> pca = principalComponents(values.data(), 200, 12, 2);
    QVERIFY2(pca, qPrintable(pca.error()));

    // The first component is the line's direction; the second axis holds only noise.
    double cosine = 0;
    for (size_t j = 0; j < direction.size(); ++j) {
        cosine += pca->components[j] * direction[j] / length;
    }
    QVERIFY2(std::abs(cosine) > 0.999, qPrintable(QString::number(cosine)));
    double spreadFirst = 0;
    double spreadSecond = 0;
    for (int i = 0; i < 200; ++i) {
        spreadFirst = std::max(spreadFirst, double(std::abs(pca->scores[size_t(i) * 2])));
        spreadSecond = std::max(spreadSecond, double(std::abs(pca->scores[size_t(i) * 2 + 1])));
    }
    QVERIFY(spreadFirst > 100 * spreadSecond);

    // The line's order along the first axis is kept (up to the sign PCA picks).
    const float sign = pca->scores[2 * 199] > pca->scores[0] ? 1.f : -1.f;
    for (int i = 1; i < 200; ++i) {
        QVERIFY(sign * pca->scores[size_t(i) * 2] > sign * pca->scores[size_t(i - 1) * 2]);
    }
}

void tst_Projection::pcaVariancesComeStrongestFirst_data()
{
    QTest::addColumn<QVector<double>>("spreads"); // standard deviation per axis
    QTest::addColumn<int>("strongestAxis");
    QTest::addColumn<int>("secondAxis");

    QTest::newRow("ascending axes") << QVector<double>{1, 2, 3, 4} << 3 << 2;
    QTest::newRow("strongest first") << QVector<double>{9, 0.5, 3, 1} << 0 << 2;
    QTest::newRow("strongest in the middle") << QVector<double>{1, 8, 0.1, 4, 2} << 1 << 3;
}

void tst_Projection::pcaVariancesComeStrongestFirst()
{
    QFETCH(QVector<double>, spreads);
    QFETCH(int, strongestAxis);
    QFETCH(int, secondAxis);

    const int d = int(spreads.size());
    const int n = 4000;
    QRandomGenerator random(3);
    std::vector<float> values(size_t(n) * d);
    for (int i = 0; i < n; ++i) {
        for (int j = 0; j < d; ++j) {
            values[size_t(i) * d + j] = float(spreads[j] * (random.generateDouble() * 2 - 1));
        }
    }

    Result<PcaResult> pca = principalComponents(values.data(), n, d, 2);
    QVERIFY2(pca, qPrintable(pca.error()));
    QCOMPARE(pca->variances.size(), size_t(2));
    QVERIFY(pca->variances[0] > pca->variances[1]);

    // Uniform on [-s, s] has variance s² / 3; each component points along its axis.
    QVERIFY(std::abs(pca->variances[0] / (spreads[strongestAxis] * spreads[strongestAxis] / 3)
                     - 1)
            < 0.1);
    QVERIFY(std::abs(pca->components[size_t(strongestAxis)]) > 0.99);
    QVERIFY(std::abs(pca->components[size_t(d + secondAxis)]) > 0.99);
    QVERIFY(pca->components[size_t(strongestAxis)] > 0); // the sign rule: largest is positive
}

void tst_Projection::pcaRefusesTooFewRows()
{
    const float one[3] = {1, 2, 3};
    QVERIFY(!principalComponents(one, 1, 3, 2));
    QVERIFY(!principalComponents(one, 1, 3, 4));

    EmbeddingMatrix matrix;
    matrix.dimension = 3;
    JobControl control;
    Result<Projection> projection = projectEmbeddings(matrix, ProjectionMethod::Pca, control);
    QVERIFY(!projection);
    QVERIFY(projection.error().contains(QLatin1String("at least")));
}

void tst_Projection::projectionKeepsRowsAndIds()
{
    QVector<int> labels;
    const EmbeddingMatrix matrix = clusteredMatrix(50, 8, 3, &labels);
    JobControl control;
    Result<Projection> projection = projectEmbeddings(matrix, ProjectionMethod::Pca, control);
    QVERIFY2(projection, qPrintable(projection.error()));
    QCOMPARE(projection->ids, matrix.ids);
    QCOMPARE(projection->xy.size(), size_t(100));
    QCOMPARE(projection->version, 1);
    QVERIFY(projectionMatches(*projection, matrix, ProjectionMethod::Pca));
    QVERIFY(!projectionMatches(*projection, matrix, ProjectionMethod::Tsne));
}

// A version's cached embeddings are loaded mapped (rows in the file, `values` empty), which is
// how the window hands them to the map; both methods must read the mapped rows.
void tst_Projection::mappedEmbeddingsProjectLikeInMemoryOnes_data()
{
    QTest::addColumn<ProjectionMethod>("method");
    QTest::newRow("pca") << ProjectionMethod::Pca;
    QTest::newRow("tsne") << ProjectionMethod::Tsne;
}

void tst_Projection::mappedEmbeddingsProjectLikeInMemoryOnes()
{
    QFETCH(ProjectionMethod, method);
    QTemporaryDir dir;
    QVector<int> labels;
    const EmbeddingMatrix matrix = clusteredMatrix(40, 8, 3, &labels);
    const QString file = dir.filePath(QStringLiteral("v0001.f32"));
    QVERIFY(saveEmbeddings(file, matrix));
    const Result<EmbeddingMatrix> mapped = loadEmbeddings(file, MatrixLoad::Mapped);
    QVERIFY2(mapped, qPrintable(mapped.error()));
    QVERIFY(mapped->values.empty());

    JobControl control;
    const Result<Projection> fromFile = projectEmbeddings(*mapped, method, control);
    QVERIFY2(fromFile, qPrintable(fromFile.error()));
    const Result<Projection> fromMemory = projectEmbeddings(matrix, method, control);
    QVERIFY(fromMemory);
    QCOMPARE(fromFile->ids, matrix.ids);
    QCOMPARE(fromFile->xy, fromMemory->xy);
}

void tst_Projection::saveAndLoadRoundTrip()
{
    QTemporaryDir dir;
    Projection projection;
    projection.version = 4;
    projection.method = ProjectionMethod::Tsne;
    projection.contentFingerprint = QByteArray(32, 'x');
    projection.ids = {3, 5, 9};
    projection.xy = {0.5f, -1.f, 2.f, 3.f, -4.f, 1e-3f};
    const QString path = dir.filePath(QStringLiteral("v0004-tsne.f32"));
    QVERIFY(saveProjection(path, projection));

    Result<Projection> loaded = loadProjection(path);
    QVERIFY2(loaded, qPrintable(loaded.error()));
    QCOMPARE(loaded->version, 4);
    QCOMPARE(loaded->method, ProjectionMethod::Tsne);
    QCOMPARE(loaded->contentFingerprint, projection.contentFingerprint);
    QCOMPARE(loaded->ids, projection.ids);
    QCOMPARE(loaded->xy, projection.xy);

    // A truncated file is refused, never half read.
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadWrite));
    QVERIFY(file.resize(file.size() - 4));
    file.close();
    QVERIFY(!loadProjection(path));
}

void tst_Projection::cachedMapIsRebuiltWhenStale_data()
{
    QTest::addColumn<QString>("change");
    QTest::newRow("content fingerprint changed") << QStringLiteral("fingerprint");
    QTest::newRow("an image was added") << QStringLiteral("rows");
    QTest::newRow("cache file damaged") << QStringLiteral("damage");
    QTest::newRow("other layout asked for") << QStringLiteral("method");
}

void tst_Projection::cachedMapIsRebuiltWhenStale()
{
    QFETCH(QString, change);

    QTemporaryDir dir;
    auto project = Project::create(dir.filePath(QStringLiteral("project")));
    QVERIFY2(project, qPrintable(project.error()));
    QVector<int> labels;
    EmbeddingMatrix matrix = clusteredMatrix(40, 6, 2, &labels);
    matrix.version = 0;
    JobControl control;

    // First a fresh map, then the same one from maps/.
    Result<VersionMap> first = loadVersionMap(**project, matrix, ProjectionMethod::Pca, control);
    QVERIFY2(first, qPrintable(first.error()));
    QVERIFY(first->rebuilt);
    const QString path = projectionPath(**project, 0, ProjectionMethod::Pca);
    QVERIFY(QFile::exists(path));
    QVERIFY(path.endsWith(QLatin1String("maps/v0000-pca.f32")));
    Result<VersionMap> second = loadVersionMap(**project, matrix, ProjectionMethod::Pca, control);
    QVERIFY2(second, qPrintable(second.error()));
    QVERIFY(!second->rebuilt);
    QCOMPARE(second->projection.xy, first->projection.xy);

    ProjectionMethod method = ProjectionMethod::Pca;
    if (change == QLatin1String("fingerprint")) {
        matrix.contentFingerprint = QByteArray(32, 'b');
    } else if (change == QLatin1String("rows")) {
        matrix.ids.append(1000);
        matrix.values.insert(matrix.values.end(), 6, 0.5f);
    } else if (change == QLatin1String("damage")) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write("not a map");
    } else {
        method = ProjectionMethod::Tsne;
    }
    Result<VersionMap> third = loadVersionMap(**project, matrix, method, control);
    QVERIFY2(third, qPrintable(third.error()));
    QVERIFY(third->rebuilt);
    QCOMPARE(third->projection.ids, matrix.ids);
    QVERIFY(projectionMatches(*loadProjection(projectionPath(**project, 0, method)), matrix,
                              method));
}

void tst_Projection::displacementIgnoresTurnsAndMirrors()
{
    // previous is current turned by 50°, mirrored, scaled and shifted; one point really moved.
    Projection current;
    Projection previous;
    QRandomGenerator random(5);
    for (int i = 0; i < 30; ++i) {
        current.ids.append(i + 1);
        current.xy.push_back(float(random.generateDouble() * 10));
        current.xy.push_back(float(random.generateDouble() * 4));
    }
    previous.ids = current.ids;
    const double angle = 50.0 * M_PI / 180.0;
    for (int i = 0; i < 30; ++i) {
        const double x = current.xy[size_t(i) * 2];
        const double y = -current.xy[size_t(i) * 2 + 1];
        previous.xy.push_back(float(3.0 * (x * std::cos(angle) - y * std::sin(angle)) + 7));
        previous.xy.push_back(float(3.0 * (x * std::sin(angle) + y * std::cos(angle)) - 2));
    }
    current.ids.append(99); // a new image: no place in previous
    current.xy.push_back(0);
    current.xy.push_back(0);

    QVector<float> moved = projectionDisplacement(previous, current);
    QCOMPARE(moved.size(), 31);
    for (int i = 0; i < 30; ++i) {
        QVERIFY2(moved[i] < 1e-4, qPrintable(QString::number(moved[i])));
    }
    QVERIFY(std::isnan(moved[30]));

    previous.xy[10] += 20.f; // point 6 moved far in the old layout
    moved = projectionDisplacement(previous, current);
    const auto farthest = std::max_element(moved.cbegin(), moved.cbegin() + 30);
    QCOMPARE(farthest - moved.cbegin(), 5);
    QVERIFY(*farthest > 0.5f);

    QVERIFY(projectionDisplacement(Projection(), current).isEmpty());
}

void tst_Projection::tsneKeepsClustersApart()
{
    QVector<int> labels;
    const EmbeddingMatrix matrix = clusteredMatrix(800, 32, 8, &labels);
    JobControl control;
    Result<Projection> projection = projectEmbeddings(matrix, ProjectionMethod::Tsne, control);
    QVERIFY2(projection, qPrintable(projection.error()));
    QCOMPARE(projection->rows(), qint64(labels.size()));
    QCOMPARE(projection->method, ProjectionMethod::Tsne);

    // Each point's nearest neighbour on the map comes from its own cluster.
    int sameCluster = 0;
    for (int i = 0; i < int(labels.size()); ++i) {
        double best = std::numeric_limits<double>::max();
        int nearest = -1;
        for (int j = 0; j < int(labels.size()); ++j) {
            const double dx = projection->xy[size_t(i) * 2] - projection->xy[size_t(j) * 2];
            const double dy = projection->xy[size_t(i) * 2 + 1]
                              - projection->xy[size_t(j) * 2 + 1];
            if (j != i && dx * dx + dy * dy < best) {
                best = dx * dx + dy * dy;
                nearest = j;
            }
        }
        sameCluster += labels[nearest] == labels[i] ? 1 : 0;
    }
    QVERIFY2(sameCluster >= labels.size() * 99 / 100, qPrintable(QString::number(sameCluster)));
    for (float value : projection->xy) {
        QVERIFY(std::isfinite(value));
    }
}

void tst_Projection::cancelledTsneStops()
{
    QVector<int> labels;
    const EmbeddingMatrix matrix = clusteredMatrix(200, 16, 2, &labels);
    JobControl control;
    control.cancel();
    Result<Projection> projection = projectEmbeddings(matrix, ProjectionMethod::Tsne, control);
    QVERIFY(!projection);
    QVERIFY(projection.error().contains(QLatin1String("cancelled")));
}

QTEST_GUILESS_MAIN(tst_Projection)
#include "tst_projection.moc"
