#include "imaging/descriptor.h"
#include "io/importer.h"
#include "ml/modelversion.h"
#include "store/project.h"

#include <QDateTime>
#include <QFile>
#include <QImage>
#include <QTemporaryDir>
#include <QTest>

using namespace likeness;

class tst_ModelVersion : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void changedFileContentRebuildsTheCache();
    void damagedCacheFilesAreRebuilt();

private:
    static void writeImage(const QString &path, const QColor &colour, bool stripes);
};

void tst_ModelVersion::writeImage(const QString &path, const QColor &colour, bool stripes)
{
    QImage image(32, 32, QImage::Format_RGB32);
    image.fill(colour);
    for (int y = 0; stripes && y < 32; y += 4) {
        for (int x = 0; x < 32; ++x) {
            image.setPixelColor(x, y, Qt::black);
        }
    }
    QVERIFY(image.save(path));
}

// A file that is imported again with new content must not keep the old embedding.
void tst_ModelVersion::changedFileContentRebuildsTheCache()
{
    QTemporaryDir dir;
    for (int i = 0; i < 5; ++i) {
        writeImage(dir.filePath(QStringLiteral("%1.png").arg(i)), QColor::fromHsv(i * 60, 200, 200),
                   false);
    }
    auto project = Project::create(dir.filePath(QStringLiteral("p")));
    JobControl control;
    QVERIFY(importImages(**project, {dir.path()}, control));
    const auto before = loadVersionData(**project, 0, control);
    QVERIFY(before);

    const QString changed = dir.filePath(QStringLiteral("2.png"));
    writeImage(changed, Qt::white, true);
    QFile(changed).setFileTime(QDateTime::currentDateTime().addSecs(60),
                               QFileDevice::FileModificationTime);
    const auto again = importImages(**project, {dir.path()}, control);
    QVERIFY(again);
    QCOMPARE(again->updated, 1);

    const auto after = loadVersionData(**project, 0, control);
    QVERIFY(after);
    const qint64 id = (*project)->imageByPath(changed)->id;
    const qint64 row = (*after)->embeddings.rowOf(id);
    QVERIFY(row >= 0);
    std::vector<float> expected(ClassicDescriptorSize);
    classicDescriptor((*project)->modelInput(id), expected.data());
    for (int i = 0; i < ClassicDescriptorSize; ++i) {
        QCOMPARE((*after)->embeddings.row(row)[i], expected[size_t(i)]);
    }
    QVERIFY((*before)->embeddings.row(row)[0] != expected[0]
            || (*before)->embeddings.row(row)[300] != expected[300]);
}

void tst_ModelVersion::damagedCacheFilesAreRebuilt()
{
    QTemporaryDir dir;
    for (int i = 0; i < 4; ++i) {
        writeImage(dir.filePath(QStringLiteral("%1.png").arg(i)), QColor::fromHsv(i * 80, 200, 200),
                   i % 2 == 0);
    }
    auto project = Project::create(dir.filePath(QStringLiteral("p")));
    JobControl control;
    QVERIFY(importImages(**project, {dir.path()}, control));
    QVERIFY(loadVersionData(**project, 0, control));

    for (const QString &path : {embeddingsPath(**project, 0), indexPath(**project, 0)}) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadWrite));
        QVERIFY(file.resize(file.size() / 2));
    }
    const auto data = loadVersionData(**project, 0, control);
    QVERIFY2(data, qPrintable(data.error()));
    QCOMPARE((*data)->embeddings.rows(), 4);
    QCOMPARE((*data)->index.size(), 4);
}

QTEST_GUILESS_MAIN(tst_ModelVersion)
#include "tst_modelversion.moc"
