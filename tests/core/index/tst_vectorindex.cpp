#include "index/vectorindex.h"
#include "ml/embeddings.h"

#include <QRandomGenerator>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <limits>

using namespace likeness;

class tst_VectorIndex : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void vectorFindsItself();
    void kLargerThanCount();
    void emptyIndex();
    void nanRefused();
    void saveAndLoad();
    void embeddingFileRoundTripAndTruncation();
    void mappedEmbeddingFileReadsTheSameRows();
    void removalsNeverComeBack_data();
    void removalsNeverComeBack();
    void versionMixRefused();
    void nanRefusedWhenAdded();
    void similaritiesClamped();
    void approximateIndexAboveThreshold();
    void incrementalAdd_data();
    void incrementalAdd();
    void mappedIndexGivesTheSameResults();
    void indexOfAnotherVersionRefused();
    void copiesDoNotSeeChanges();

private:
    static EmbeddingMatrix randomMatrix(int rows, int dimension);
    // rows vectors around `clusters` random centres, normalised: shaped like real embeddings.
    static EmbeddingMatrix clusteredMatrix(int rows, int dimension, int clusters,
                                           qint64 firstId = 1, quint32 seed = 7);
    static IndexOptions lowThreshold();
};

EmbeddingMatrix tst_VectorIndex::clusteredMatrix(int rows, int dimension, int clusters,
                                                 qint64 firstId, quint32 seed)
{
    QRandomGenerator random(seed);
    std::vector<float> centres(size_t(clusters) * dimension);
    for (float &value : centres) {
        value = float(random.generateDouble() * 2 - 1);
    }
    EmbeddingMatrix matrix;
    matrix.version = 3;
    matrix.dimension = dimension;
    for (int r = 0; r < rows; ++r) {
        matrix.ids.append(firstId + r);
        const float *centre = centres.data() + size_t(random.bounded(clusters)) * dimension;
        std::vector<float> row(static_cast<size_t>(dimension));
        double norm = 0;
        for (int i = 0; i < dimension; ++i) {
            row[size_t(i)] = centre[i] + float(random.generateDouble() - 0.5) * 0.6f;
            norm += row[size_t(i)] * row[size_t(i)];
        }
        for (float value : row) {
            matrix.values.push_back(float(value / std::sqrt(norm)));
        }
    }
    return matrix;
}

IndexOptions tst_VectorIndex::lowThreshold()
{
    IndexOptions options;
    options.approximateThreshold = 2000;
    return options;
}

EmbeddingMatrix tst_VectorIndex::randomMatrix(int rows, int dimension)
{
    QRandomGenerator random(42);
    EmbeddingMatrix matrix;
    matrix.version = 3;
    matrix.dimension = dimension;
    for (int r = 0; r < rows; ++r) {
        matrix.ids.append(100 + 7 * r);
        double norm = 0;
        std::vector<float> row(static_cast<size_t>(dimension));
        for (float &value : row) {
            value = float(random.generateDouble() * 2 - 1);
            norm += value * value;
        }
        for (float value : row) {
            matrix.values.push_back(float(value / std::sqrt(norm)));
        }
    }
    return matrix;
}

void tst_VectorIndex::vectorFindsItself()
{
    const EmbeddingMatrix matrix = randomMatrix(500, 32);
    const auto index = VectorIndex::build(matrix);
    QVERIFY2(index, qPrintable(index.error()));
    QCOMPARE(index->size(), 500);

    for (qint64 row : {0, 17, 499}) {
        const auto found = index->search(matrix.row(row), 5);
        QVERIFY(found);
        QCOMPARE(found->size(), 5);
        QCOMPARE(found->first().id, matrix.ids[row]);
        QVERIFY(std::abs(found->first().similarity - 1.f) < 1e-4);
        for (qsizetype i = 1; i < found->size(); ++i) {
            QVERIFY(found->at(i - 1).similarity >= found->at(i).similarity);
            QVERIFY(found->at(i).similarity <= 1.f && found->at(i).similarity >= -1.f);
        }

        // Leaving the query out gives the next five, none of them the query.
        const auto others = index->search(matrix.row(row), 5, matrix.ids[row]);
        QVERIFY(others);
        QCOMPARE(others->size(), 5);
        QCOMPARE(others->first().id, found->at(1).id);
        for (const Neighbour &neighbour : *others) {
            QVERIFY(neighbour.id != matrix.ids[row]);
        }
    }
}

void tst_VectorIndex::kLargerThanCount()
{
    const EmbeddingMatrix matrix = randomMatrix(4, 8);
    const auto index = VectorIndex::build(matrix);
    QVERIFY(index);
    const auto found = index->search(matrix.row(0), 50);
    QVERIFY(found);
    QCOMPARE(found->size(), 4);
    const auto excluded = index->search(matrix.row(0), 50, matrix.ids[0]);
    QCOMPARE(excluded->size(), 3);
    for (const Neighbour &neighbour : *found) {
        QVERIFY(matrix.ids.contains(neighbour.id));
    }
}

void tst_VectorIndex::emptyIndex()
{
    EmbeddingMatrix empty;
    empty.dimension = 8;
    const auto index = VectorIndex::build(empty);
    QVERIFY(index);
    const std::vector<float> query(8, 0.5f);
    const auto found = index->search(query.data(), 10);
    QVERIFY(found);
    QVERIFY(found->isEmpty());
}

void tst_VectorIndex::nanRefused()
{
    EmbeddingMatrix matrix = randomMatrix(10, 8);
    matrix.values[3 * 8 + 2] = std::numeric_limits<float>::quiet_NaN();
    const auto index = VectorIndex::build(matrix);
    QVERIFY(!index);
    QVERIFY2(index.error().contains(QStringLiteral("NaN")), qPrintable(index.error()));

    const auto good = VectorIndex::build(randomMatrix(10, 8));
    std::vector<float> query(8, std::numeric_limits<float>::infinity());
    QVERIFY(!good->search(query.data(), 3));
}

void tst_VectorIndex::saveAndLoad()
{
    QTemporaryDir dir;
    const EmbeddingMatrix matrix = randomMatrix(100, 16);
    const auto index = VectorIndex::build(matrix);
    QVERIFY(index->save(dir.filePath(QStringLiteral("v0003.faiss"))));

    const auto loaded = VectorIndex::load(dir.filePath(QStringLiteral("v0003.faiss")), 3);
    QVERIFY2(loaded, qPrintable(loaded.error()));
    QCOMPARE(loaded->size(), 100);
    QCOMPARE(loaded->version(), 3);
    QCOMPARE(loaded->search(matrix.row(42), 1)->first().id, matrix.ids[42]);

    QVERIFY(!VectorIndex::load(dir.filePath(QStringLiteral("missing.faiss")), 3));
}

void tst_VectorIndex::embeddingFileRoundTripAndTruncation()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("v0003.f32"));
    const EmbeddingMatrix matrix = randomMatrix(20, 6);
    QVERIFY(saveEmbeddings(path, matrix));

    const auto loaded = loadEmbeddings(path);
    QVERIFY2(loaded, qPrintable(loaded.error()));
    QCOMPARE(loaded->ids, matrix.ids);
    QCOMPARE(loaded->values, matrix.values);
    QCOMPARE(loaded->version, 3);
    QCOMPARE(loaded->rowOf(matrix.ids[7]), 7);
    QCOMPARE(loaded->rowOf(1), -1);

    // A half-written file is detected, never trusted.
    QFile file(path);
    QVERIFY(file.resize(file.size() - 10));
    const auto truncated = loadEmbeddings(path);
    QVERIFY(!truncated);
    QVERIFY(truncated.error().contains(QStringLiteral("rebuilt")));
}

void tst_VectorIndex::mappedEmbeddingFileReadsTheSameRows()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("v0003.f32"));
    EmbeddingMatrix matrix = randomMatrix(50, 12);
    matrix.contentKeys.fill(0x1234, 50);
    QVERIFY(saveEmbeddings(path, matrix));

    const auto mapped = loadEmbeddings(path, MatrixLoad::Mapped);
    QVERIFY2(mapped, qPrintable(mapped.error()));
    QVERIFY(mapped->mappedValues);
    QVERIFY(mapped->values.empty());
    QCOMPARE(mapped->contentKeys, matrix.contentKeys);
    for (qint64 row : {0, 31, 49}) {
        QVERIFY(std::equal(matrix.row(row), matrix.row(row) + 12, mapped->row(row)));
    }

    // An index built from the mapped rows finds the same neighbours.
    const auto fromMapped = VectorIndex::build(*mapped);
    const auto fromMemory = VectorIndex::build(matrix);
    QCOMPARE(fromMapped->search(matrix.row(7), 5)->at(4).id,
             fromMemory->search(matrix.row(7), 5)->at(4).id);
}

void tst_VectorIndex::removalsNeverComeBack_data()
{
    QTest::addColumn<int>("rows");
    QTest::newRow("exact") << 500;
    QTest::newRow("approximate") << 3000;
}

void tst_VectorIndex::removalsNeverComeBack()
{
    QFETCH(int, rows);
    const EmbeddingMatrix matrix = clusteredMatrix(rows, 16, 20);
    auto index = VectorIndex::build(matrix, lowThreshold());
    QVERIFY2(index, qPrintable(index.error()));
    QCOMPARE(index->kind(), rows >= 2000 ? IndexKind::Approximate : IndexKind::Exact);

    QVector<qint64> removed;
    for (qint64 row = 0; row < rows; row += 10) {
        removed.append(matrix.ids[row]);
    }
    removed.append(999999); // not in the index: ignored
    QVERIFY(index->remove(removed));
    QCOMPARE(index->size(), qint64(rows - (rows + 9) / 10));

    const QSet<qint64> gone(removed.cbegin(), removed.cend());
    for (qint64 row = 0; row < 40; ++row) {
        const auto found = index->search(matrix.row(row), 20);
        QVERIFY(found);
        QVERIFY(!found->isEmpty());
        for (const Neighbour &neighbour : *found) {
            QVERIFY(!gone.contains(neighbour.id));
            QVERIFY(neighbour.id >= 1 && neighbour.id <= rows);
        }
    }
}

void tst_VectorIndex::versionMixRefused()
{
    auto index = VectorIndex::build(randomMatrix(20, 8));
    EmbeddingMatrix other = randomMatrix(3, 8);
    other.version = 4;
    for (qint64 &id : other.ids) {
        id += 100000;
    }
    const Status status = index->add(other);
    QVERIFY(!status);
    QVERIFY2(status.error().contains(QStringLiteral("version")), qPrintable(status.error()));
    QCOMPARE(index->size(), 20);
}

void tst_VectorIndex::nanRefusedWhenAdded()
{
    auto index = VectorIndex::build(randomMatrix(20, 8));
    EmbeddingMatrix more = randomMatrix(2, 8);
    more.ids = {5000, 5001};
    more.values[9] = std::numeric_limits<float>::quiet_NaN();
    const Status status = index->add(more);
    QVERIFY(!status);
    QVERIFY2(status.error().contains(QStringLiteral("NaN")), qPrintable(status.error()));
    QVERIFY2(status.error().contains(QStringLiteral("5001")), qPrintable(status.error()));
    QCOMPARE(index->size(), 20);
}

void tst_VectorIndex::similaritiesClamped()
{
    // Vectors of length 2 give inner products up to 4: what is shown stays in [-1, 1].
    EmbeddingMatrix matrix = randomMatrix(30, 8);
    for (float &value : matrix.values) {
        value *= 2;
    }
    const auto index = VectorIndex::build(matrix);
    std::vector<float> opposite(matrix.row(0), matrix.row(0) + 8);
    for (float &value : opposite) {
        value = -value;
    }
    const auto near = index->search(matrix.row(0), 30);
    const auto far = index->search(opposite.data(), 30);
    QCOMPARE(near->first().similarity, 1.f);
    QCOMPARE(far->last().similarity, -1.f);
    for (const Neighbour &neighbour : *near + *far) {
        QVERIFY(neighbour.similarity >= -1.f && neighbour.similarity <= 1.f);
    }
}

void tst_VectorIndex::approximateIndexAboveThreshold()
{
    const EmbeddingMatrix small = clusteredMatrix(1999, 32, 40);
    const auto exact = VectorIndex::build(small, lowThreshold());
    QCOMPARE(exact->kind(), IndexKind::Exact);
    QCOMPARE(exact->stats().recallAt10, std::optional<double>(1.0));

    const EmbeddingMatrix matrix = clusteredMatrix(4000, 32, 40);
    const auto index = VectorIndex::build(matrix, lowThreshold());
    QVERIFY2(index, qPrintable(index.error()));
    QCOMPARE(index->kind(), IndexKind::Approximate);
    const IndexStats stats = index->stats();
    QVERIFY(stats.lists > 1);
    QVERIFY(stats.probes >= 1 && stats.probes <= stats.lists);
    QVERIFY(stats.recallAt10);
    QVERIFY2(*stats.recallAt10 >= 0.95, qPrintable(QString::number(*stats.recallAt10)));
    QCOMPARE(stats.recallQueries, 200);

    // A second measurement on another sample agrees, and the stats survive JSON.
    const auto again = index->measureRecall(matrix, 300, 99);
    QVERIFY(again);
    QVERIFY2(*again >= 0.9, qPrintable(QString::number(*again)));
    QCOMPARE(IndexStats::fromJson(stats.toJson()).recallAt10, stats.recallAt10);
    QCOMPARE(IndexStats::fromJson(stats.toJson()).kind, IndexKind::Approximate);

    // k larger than the index holds: only real ids, never -1.
    const auto all = index->search(matrix.row(0), 5000);
    QVERIFY(all);
    QVERIFY(all->size() <= 4000);
    for (const Neighbour &neighbour : *all) {
        QVERIFY(neighbour.id >= 1 && neighbour.id <= 4000);
    }
}

void tst_VectorIndex::incrementalAdd_data()
{
    QTest::addColumn<int>("rows");
    QTest::newRow("exact") << 500;
    QTest::newRow("approximate") << 3000;
}

void tst_VectorIndex::incrementalAdd()
{
    QFETCH(int, rows);
    const EmbeddingMatrix all = clusteredMatrix(rows + 200, 16, 20);
    EmbeddingMatrix first = all;
    first.ids.resize(rows);
    first.values.resize(size_t(rows) * 16);
    EmbeddingMatrix later;
    later.version = all.version;
    later.dimension = 16;
    later.ids = all.ids.mid(rows);
    later.values.assign(all.values.begin() + qsizetype(rows) * 16, all.values.end());

    auto index = VectorIndex::build(first, lowThreshold());
    QVERIFY(index);
    QVERIFY(index->add(later));
    QCOMPARE(index->size(), qint64(rows + 200));
    QVERIFY(index->calibrate(all, lowThreshold()));
    if (index->kind() == IndexKind::Approximate) {
        QVERIFY(*index->stats().recallAt10 >= 0.95);
    }
    for (qint64 row = 0; row < later.rows(); row += 17) {
        const auto found = index->search(later.row(row), 1);
        QCOMPARE(found->first().id, later.ids[row]);
    }
}

void tst_VectorIndex::mappedIndexGivesTheSameResults()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("v0003.faiss"));
    const EmbeddingMatrix matrix = clusteredMatrix(3000, 16, 20);
    const auto built = VectorIndex::build(matrix, lowThreshold());
    QVERIFY(built->save(path));

    const auto mapped = VectorIndex::load(path, 3, VectorIndex::LoadMode::Mapped);
    QVERIFY2(mapped, qPrintable(mapped.error()));
    QCOMPARE(mapped->kind(), IndexKind::Approximate);
    QCOMPARE(mapped->size(), built->size());
    QCOMPARE(mapped->stats().probes, built->stats().probes);
    QCOMPARE(mapped->stats().recallAt10, built->stats().recallAt10);
    const auto expected = built->searchBatch(matrix.data(), 50, 10);
    const auto found = mapped->searchBatch(matrix.data(), 50, 10);
    QVERIFY(found);
    for (int q = 0; q < 50; ++q) {
        QCOMPARE(found->at(q).size(), expected->at(q).size());
        for (qsizetype j = 0; j < found->at(q).size(); ++j) {
            QCOMPARE(found->at(q)[j].id, expected->at(q)[j].id);
        }
    }

    // A mapped index is read-only on disk; changing it works on a copy in memory.
    VectorIndex changed = *mapped;
    QVERIFY(changed.remove({matrix.ids[0]}));
    QCOMPARE(changed.size(), 2999);
    QCOMPARE(mapped->size(), 3000);
    QVERIFY(changed.search(matrix.row(0), 1)->first().id != matrix.ids[0]);
}

void tst_VectorIndex::indexOfAnotherVersionRefused()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("v0003.faiss"));
    QVERIFY(VectorIndex::build(randomMatrix(30, 8))->save(path));
    const auto wrong = VectorIndex::load(path, 4);
    QVERIFY(!wrong);
    QVERIFY2(wrong.error().contains(QStringLiteral("version 3")), qPrintable(wrong.error()));
}

void tst_VectorIndex::copiesDoNotSeeChanges()
{
    const EmbeddingMatrix matrix = randomMatrix(40, 8);
    const auto original = VectorIndex::build(matrix);
    VectorIndex copy = *original;
    QVERIFY(copy.remove({matrix.ids[0], matrix.ids[1]}));
    QCOMPARE(copy.size(), 38);
    QCOMPARE(original->size(), 40);
    QCOMPARE(original->search(matrix.row(0), 1)->first().id, matrix.ids[0]);
}

QTEST_GUILESS_MAIN(tst_VectorIndex)
#include "tst_vectorindex.moc"
