#include "embeddingmap.h"
#include "mapcanvas.h"
#include "testproject.h"

#include <QApplication>
#include <QLabel>
#include <QListWidget>
#include <QSignalSpy>
#include <QTest>
#include <QToolButton>
#include <QWheelEvent>

using namespace likeness;

namespace {

// A map of the given ids laid out on a square grid with one unit between points.
std::shared_ptr<const VersionMap> gridMap(const QVector<qint64> &ids)
{
    auto map = std::make_shared<VersionMap>();
    const int side = int(std::ceil(std::sqrt(double(ids.size()))));
    map->projection.version = 2;
    map->projection.ids = ids;
    for (int i = 0; i < ids.size(); ++i) {
        map->projection.xy.push_back(float(i % side));
        map->projection.xy.push_back(float(i / side));
    }
    return map;
}

QVector<qint64> sequence(qint64 count)
{
    QVector<qint64> ids;
    for (qint64 id = 1; id <= count; ++id) {
        ids.append(id);
    }
    return ids;
}

Judgment judgment(qint64 anchor, qint64 first, qint64 second, Choice choice,
                  const QString &annotator)
{
    Judgment j;
    j.anchorId = anchor;
    j.firstId = first;
    j.secondId = second;
    j.choice = choice;
    j.annotator = annotator;
    return j;
}

} // namespace

class tst_EmbeddingMap : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyStateSaysWhatToDo();
    void lassoSelectsExactlyThePointsInside_data();
    void lassoSelectsExactlyThePointsInside();
    void clickSelectsOnePointAndEscapeClears();
    void wheelAndKeysZoom();
    void dragAndArrowKeysPan();
    void labelLegendShowsTopLabels();
    void agreementCategories_data();
    void agreementCategories();
    void changeLegendWithoutEarlierVersion();
    void manyPointsAreRasterisedUntilZoomedIn();
    void thumbnailsAppearWhenZoomedIn();
};

void tst_EmbeddingMap::emptyStateSaysWhatToDo()
{
    EmbeddingMap map;
    map.show();
    QVERIFY(QTest::qWaitForWindowExposed(&map));
    QVERIFY(!map.isShowingMap());
    QVERIFY(map.message().contains(QLatin1String("Import Folder")));
    auto *message = map.findChild<QLabel *>(QStringLiteral("message"));
    QVERIFY(message && message->isVisible());

    map.setVersionMap(gridMap(sequence(9)));
    QVERIFY(map.isShowingMap());
    map.setVersionMap(nullptr);
    QVERIFY(!map.isShowingMap());
}

void tst_EmbeddingMap::lassoSelectsExactlyThePointsInside_data()
{
    QTest::addColumn<QPolygonF>("polygon"); // in widget pixels
    QTest::addColumn<bool>("useToolButton");

    QTest::newRow("triangle, Shift+drag")
        << QPolygonF({{52.3, 41.7}, {331.9, 95.2}, {120.4, 310.6}}) << false;
    QTest::newRow("concave L shape, lasso tool")
        << QPolygonF({{30.5, 30.5}, {370.5, 30.5}, {370.5, 120.5}, {140.5, 120.5},
                      {140.5, 370.5}, {30.5, 370.5}})
        << true;
    QTest::newRow("lasso around nothing")
        << QPolygonF({{1.5, 1.5}, {6.5, 1.5}, {6.5, 6.5}}) << false;
}

void tst_EmbeddingMap::lassoSelectsExactlyThePointsInside()
{
    QFETCH(QPolygonF, polygon);
    QFETCH(bool, useToolButton);

    EmbeddingMap map;
    map.resize(700, 500);
    map.show();
    QVERIFY(QTest::qWaitForWindowExposed(&map));
    map.setVersionMap(gridMap(sequence(400)));
    MapCanvas *canvas = map.canvas();
    QSignalSpy selected(&map, &EmbeddingMap::selectionChanged);

    // Which points lie inside, by the view's own transform.
    QVector<qint64> expected;
    const auto &projection = map.versionMap()->projection;
    for (int row = 0; row < projection.ids.size(); ++row) {
        const QPointF at = canvas->toWidget({projection.xy[size_t(row) * 2],
                                             projection.xy[size_t(row) * 2 + 1]});
        if (polygon.containsPoint(at, Qt::OddEvenFill)) {
            expected.append(projection.ids[row]);
        }
    }

    // Draw the polygon: press at its first corner, move through the others, release there.
    Qt::KeyboardModifiers modifiers = Qt::ShiftModifier;
    if (useToolButton) {
        auto *lasso = map.findChild<QToolButton *>(QStringLiteral("lassoButton"));
        QVERIFY(lasso && lasso->isCheckable());
        lasso->click();
        QVERIFY(canvas->lassoMode());
        modifiers = Qt::NoModifier;
    }
    QTest::mousePress(canvas, Qt::LeftButton, modifiers, polygon.first().toPoint());
    for (int i = 1; i < polygon.size(); ++i) {
        QTest::mouseMove(canvas, polygon[i].toPoint());
    }
    QTest::mouseRelease(canvas, Qt::LeftButton, modifiers, polygon.last().toPoint());

    // The polygon drawn is the integer one the mouse events carry.
    QPolygonF drawn;
    for (const QPointF &corner : polygon) {
        drawn.append(QPointF(corner.toPoint()));
    }
    QVector<qint64> expectedDrawn;
    for (int row = 0; row < projection.ids.size(); ++row) {
        const QPointF at = canvas->toWidget({projection.xy[size_t(row) * 2],
                                             projection.xy[size_t(row) * 2 + 1]});
        if (drawn.containsPoint(at, Qt::OddEvenFill)) {
            expectedDrawn.append(projection.ids[row]);
        }
    }
    QCOMPARE(canvas->selectedIds(), expectedDrawn);
    QVERIFY(qAbs(expectedDrawn.size() - expected.size()) <= 2);
    if (!expectedDrawn.isEmpty()) {
        QCOMPARE(selected.count(), 1);
        QCOMPARE(selected.first().first().value<QVector<qint64>>(), expectedDrawn);
    }
}

void tst_EmbeddingMap::clickSelectsOnePointAndEscapeClears()
{
    EmbeddingMap map;
    map.resize(600, 500);
    map.show();
    QVERIFY(QTest::qWaitForWindowExposed(&map));
    map.setVersionMap(gridMap(sequence(16)));
    MapCanvas *canvas = map.canvas();

    const QPoint onPoint = canvas->toWidget({2, 1}).toPoint(); // row 6 of the 4 × 4 grid
    QTest::mouseClick(canvas, Qt::LeftButton, Qt::NoModifier, onPoint);
    QCOMPARE(canvas->selectedIds(), QVector<qint64>{7});

    QSignalSpy selected(canvas, &MapCanvas::selectionChanged);
    canvas->setFocus();
    QTest::keyClick(canvas, Qt::Key_Escape);
    QVERIFY(canvas->selectedIds().isEmpty());
    QCOMPARE(selected.count(), 1);
}

void tst_EmbeddingMap::wheelAndKeysZoom()
{
    EmbeddingMap map;
    map.resize(600, 500);
    map.show();
    QVERIFY(QTest::qWaitForWindowExposed(&map));
    map.setVersionMap(gridMap(sequence(100)));
    MapCanvas *canvas = map.canvas();
    const double fitted = canvas->viewScale();
    QSignalSpy changed(canvas, &MapCanvas::viewChanged);

    // Zooming in with the wheel keeps the point under the cursor in place.
    const QPointF cursor(150, 120);
    const QPointF under = canvas->toData(cursor);
    QWheelEvent wheel(cursor, canvas->mapToGlobal(cursor), QPoint(), QPoint(0, 240),
                      Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(canvas, &wheel);
    QVERIFY(canvas->viewScale() > fitted * 1.2);
    QVERIFY((canvas->toWidget(under) - cursor).manhattanLength() < 1e-6);
    QCOMPARE(changed.count(), 1);

    canvas->setFocus();
    const double wheeled = canvas->viewScale();
    QTest::keyClick(canvas, Qt::Key_Plus);
    QVERIFY(canvas->viewScale() > wheeled);
    QTest::keyClick(canvas, Qt::Key_Minus);
    QTest::keyClick(canvas, Qt::Key_Minus);
    QVERIFY(canvas->viewScale() < wheeled);
    QTest::keyClick(canvas, Qt::Key_0);
    QCOMPARE(canvas->viewScale(), fitted);
}

void tst_EmbeddingMap::dragAndArrowKeysPan()
{
    EmbeddingMap map;
    map.resize(600, 500);
    map.show();
    QVERIFY(QTest::qWaitForWindowExposed(&map));
    map.setVersionMap(gridMap(sequence(100)));
    MapCanvas *canvas = map.canvas();
    const QPointF centre = canvas->viewCentre();
    const double scale = canvas->viewScale();

    // Dragging moves the map with the mouse: the centre moves the other way in data units.
    QTest::mousePress(canvas, Qt::LeftButton, Qt::NoModifier, QPoint(200, 200));
    QTest::mouseMove(canvas, QPoint(240, 230));
    QTest::mouseRelease(canvas, Qt::LeftButton, Qt::NoModifier, QPoint(240, 230));
    QCOMPARE(canvas->viewCentre(), centre - QPointF(40, 30) / scale);
    QCOMPARE(canvas->viewScale(), scale);
    QVERIFY(canvas->selectedIds().isEmpty());

    canvas->setFocus();
    const QPointF dragged = canvas->viewCentre();
    QTest::keyClick(canvas, Qt::Key_Right);
    QVERIFY(canvas->viewCentre().x() > dragged.x());
    QTest::keyClick(canvas, Qt::Key_Up);
    QVERIFY(canvas->viewCentre().y() < dragged.y());
    QTest::keyClick(canvas, Qt::Key_Home);
    QCOMPARE(canvas->viewCentre(), centre);
}

void tst_EmbeddingMap::labelLegendShowsTopLabels()
{
    TestProject test;
    const QString error = test.create(6);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    Project &project = test.project();
    const QVector<qint64> ids = project.imageIds();
    QVERIFY(project.addLabel(ids.mid(0, 3), QStringLiteral("cat"), LabelSource::Human,
                             QStringLiteral("ann")));
    QVERIFY(project.addLabel(ids.mid(3, 2), QStringLiteral("dog"), LabelSource::Human,
                             QStringLiteral("ann")));

    EmbeddingMap map;
    map.setProject(&project);
    map.setVersionMap(gridMap(ids));
    QCOMPARE(map.colouring(), EmbeddingMap::Colouring::Labels);
    QCOMPARE(map.legendEntries(),
             QStringList({QStringLiteral("cat (3)"), QStringLiteral("dog (2)"),
                          QStringLiteral("no label (1)")}));
    auto *legend = map.findChild<QListWidget *>(QStringLiteral("legend"));
    QVERIFY(legend);
    QCOMPARE(legend->count(), 3);
    QVERIFY(!legend->accessibleName().isEmpty());

    // A label change shows after refreshColours().
    QVERIFY(project.addLabel({ids[5]}, QStringLiteral("dog"), LabelSource::Human,
                             QStringLiteral("ann")));
    map.refreshColours();
    QCOMPARE(map.legendEntries(),
             QStringList({QStringLiteral("cat (3)"), QStringLiteral("dog (3)")}));
}

void tst_EmbeddingMap::agreementCategories_data()
{
    QTest::addColumn<QVector<Judgment>>("judgments");
    QTest::addColumn<QVector<int>>("categoriesOf1to4"); // 0 disagree … 3 not judged

    QTest::newRow("one annotator")
        << QVector<Judgment>{judgment(1, 2, 3, Choice::First, "ann")}
        << QVector<int>{2, 2, 2, 3};
    QTest::newRow("two agree, candidates shown swapped")
        << QVector<Judgment>{judgment(1, 2, 3, Choice::First, "ann"),
                             judgment(1, 3, 2, Choice::Second, "bob")}
        << QVector<int>{1, 1, 1, 3};
    QTest::newRow("two disagree")
        << QVector<Judgment>{judgment(1, 2, 3, Choice::First, "ann"),
                             judgment(1, 2, 3, Choice::Tie, "bob"),
                             judgment(4, 1, 2, Choice::First, "ann")}
        << QVector<int>{0, 0, 0, 2};
    QTest::newRow("skips are not answers")
        << QVector<Judgment>{judgment(1, 2, 3, Choice::First, "ann"),
                             judgment(1, 2, 3, Choice::Skip, "bob")}
        << QVector<int>{2, 2, 2, 3};
}

void tst_EmbeddingMap::agreementCategories()
{
    QFETCH(QVector<Judgment>, judgments);
    QFETCH(QVector<int>, categoriesOf1to4);

    const QHash<qint64, quint8> categories = EmbeddingMap::agreementCategories(judgments);
    for (qint64 image = 1; image <= 4; ++image) {
        QCOMPARE(int(categories.value(image, 3)), categoriesOf1to4[image - 1]);
    }
}

void tst_EmbeddingMap::changeLegendWithoutEarlierVersion()
{
    EmbeddingMap map;
    map.setVersionMap(gridMap(sequence(10)));
    map.setColouring(EmbeddingMap::Colouring::Change);
    QCOMPARE(map.legendEntries().size(), 1);
    QVERIFY(map.legendEntries().first().startsWith(QLatin1String("no earlier version")));

    auto moved = std::make_shared<VersionMap>(*gridMap(sequence(10)));
    moved->previousVersion = 1;
    moved->displacement = {0, 0, 0.2f, 0.3f, 0.9f, 0, 0, 0, 0,
                           std::numeric_limits<float>::quiet_NaN()};
    map.setVersionMap(moved);
    QCOMPARE(map.legendEntries().size(), 5);
    QVERIFY(map.legendEntries().last().startsWith(QLatin1String("new since version 1 (1)")));
}

void tst_EmbeddingMap::manyPointsAreRasterisedUntilZoomedIn()
{
    EmbeddingMap map;
    map.resize(800, 600);
    map.show();
    QVERIFY(QTest::qWaitForWindowExposed(&map));
    MapCanvas *canvas = map.canvas();
    QSignalSpy rastered(canvas, &MapCanvas::rasterUpdated);
    map.setVersionMap(gridMap(sequence(90000)));

    // Zoomed out, the frame is a raster made off the GUI thread: no point is drawn singly.
    QTRY_VERIFY(rastered.count() > 0 && !canvas->rasterPending());
    canvas->grab();
    QCOMPARE(canvas->lastDetailedPoints(), qint64(0));

    // Zoomed in on a corner, the few points in view are drawn one by one.
    canvas->zoomBy(40.0, canvas->toWidget({0, 0}));
    canvas->grab();
    QVERIFY(canvas->lastDetailedPoints() > 0);
    QVERIFY(canvas->lastDetailedPoints() <= MapCanvas::DetailLimit);
}

void tst_EmbeddingMap::thumbnailsAppearWhenZoomedIn()
{
    TestProject test;
    const QString error = test.create(30);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    EmbeddingMap map;
    map.resize(800, 600);
    map.setProject(&test.project());
    map.show();
    QVERIFY(QTest::qWaitForWindowExposed(&map));

    // The 30 images fill the first row of a map with 3,000 more points (without pictures).
    QVector<qint64> ids = test.project().imageIds();
    for (qint64 i = 0; i < 3000; ++i) {
        ids.append(1000000 + i);
    }
    map.setVersionMap(gridMap(ids));
    MapCanvas *canvas = map.canvas();
    canvas->grab();
    QCOMPARE(canvas->lastThumbnails(), 0);
    QCOMPARE(canvas->lastDetailedPoints(), qint64(ids.size()));

    canvas->zoomBy(8.0, canvas->toWidget({0, 0}));
    canvas->grab();
    QVERIFY(canvas->lastThumbnails() > 0);
    QVERIFY(canvas->lastDetailedPoints() <= MapCanvas::ThumbnailLimit);
}

QTEST_MAIN(tst_EmbeddingMap)
#include "tst_embeddingmap.moc"
