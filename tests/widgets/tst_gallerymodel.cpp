#include "gallerymodel.h"
#include "testproject.h"

#include <QAbstractItemModelTester>
#include <QPixmap>
#include <QTest>

using namespace likeness;

class tst_GalleryModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rowsFollowImageIds();
    void reloadShowsNewImages();
    void noProjectHasNoRows();
};

void tst_GalleryModel::rowsFollowImageIds()
{
    TestProject test;
    const QString error = test.create(6);
    QVERIFY2(error.isEmpty(), qPrintable(error));

    GalleryModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setProject(&test.project());

    const QVector<qint64> ids = test.project().imageIds();
    QCOMPARE(model.rowCount(), 6);
    for (int row = 0; row < model.rowCount(); ++row) {
        const QModelIndex index = model.index(row);
        QCOMPARE(index.data(GalleryModel::ImageIdRole).toLongLong(), ids.at(row));
        QCOMPARE(model.imageId(index), ids.at(row));
        QCOMPARE(model.indexOfImage(ids.at(row)), index);
        QCOMPARE(index.data(Qt::DisplayRole).toString(),
                 QStringLiteral("img_%1.png").arg(row, 2, 10, QChar(u'0')));
        QCOMPARE(index.data(GalleryModel::StatusRole).toString(), ImageStatus::Ok);

        const QPixmap tile = index.data(Qt::DecorationRole).value<QPixmap>();
        QVERIFY(!tile.isNull());
        QCOMPARE(tile.size(), QSize(GalleryModel::TileSide, GalleryModel::TileSide));
    }
    QVERIFY(!model.indexOfImage(ids.last() + 1000).isValid());
    QVERIFY(!model.index(0).data(Qt::UserRole + 100).isValid());
}

void tst_GalleryModel::reloadShowsNewImages()
{
    TestProject test;
    const QString error = test.create(3);
    QVERIFY2(error.isEmpty(), qPrintable(error));

    GalleryModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setProject(&test.project());
    QCOMPARE(model.rowCount(), 3);

    QImage image(20, 20, QImage::Format_RGB32);
    image.fill(Qt::red);
    const QString path = QDir(test.folder()).filePath(QStringLiteral("extra.png"));
    QVERIFY(image.save(path));
    JobControl control;
    QVERIFY(importImages(test.project(), {path}, control));

    model.reload();
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(model.index(3).data().toString(), QStringLiteral("extra.png"));
}

void tst_GalleryModel::noProjectHasNoRows()
{
    GalleryModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    model.setProject(nullptr);
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(!model.indexOfImage(1).isValid());
}

QTEST_MAIN(tst_GalleryModel)
#include "tst_gallerymodel.moc"
