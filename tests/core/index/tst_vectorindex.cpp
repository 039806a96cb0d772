#include "index/vectorindex.h"
#include "ml/embeddings.h"

#include <QRandomGenerator>
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

private:
    static EmbeddingMatrix randomMatrix(int rows, int dimension);
};

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

QTEST_GUILESS_MAIN(tst_VectorIndex)
#include "tst_vectorindex.moc"
