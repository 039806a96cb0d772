#pragma once

#include <QColor>
#include <QFutureWatcher>
#include <QImage>
#include <QPolygonF>
#include <QVector>
#include <QWidget>

#include <memory>
#include <vector>

namespace likeness {

class ThumbnailCache;

// Points of a 2-D map with a uniform grid over their bounds, so that the points inside a
// rectangle are found without a scan of all of them. Immutable once built; shared between
// the GUI thread and render jobs.
//
// Layout: the bounds are cut into gridSide × gridSide cells; cell c = cy · gridSide + cx
// holds the rows order[cellStart[c]] … order[cellStart[c + 1] - 1]. cellXy holds the same
// points in that order (entry k is row order[k]), so a walk over cells reads memory in line.
struct MapPoints
{
    QVector<qint64> ids;
    std::vector<float> xy; // ids.size() × 2 float32, row-major
    QRectF bounds;
    int gridSide = 1;
    std::vector<quint32> cellStart; // gridSide² + 1 offsets into order
    std::vector<quint32> order;     // row indices, grouped by cell
    std::vector<float> cellXy;      // order.size() × 2: the points in cell order

    static std::shared_ptr<const MapPoints> build(QVector<qint64> ids, std::vector<float> xy);
    qint64 rows() const { return ids.size(); }
    QPointF point(qint64 row) const { return {xy[size_t(row) * 2], xy[size_t(row) * 2 + 1]}; }
    QPointF pointAt(quint32 k) const { return {cellXy[size_t(k) * 2], cellXy[size_t(k) * 2 + 1]}; }
    // The cell range [x0, x1] × [y0, y1] that covers rect (data coordinates), clamped.
    QRect cellsCovering(const QRectF &rect) const;
};

// The drawing surface of the embedding map: every point, coloured by a category per row,
// with zoom (wheel, +/-), pan (drag, arrow keys), thumbnails when zoomed in far enough and
// lasso selection (Shift+drag, or a plain drag in lasso mode).
//
// Level of detail: while at most DetailLimit points lie in view they are drawn one by one on
// the GUI thread; beyond that the canvas shows a density raster of the points that a
// QtConcurrent job renders off the GUI thread for the current view. Until a new raster
// arrives the last one is drawn stretched to the new view, so a frame never waits for it.
// Thumbnails replace the dots while at most ThumbnailLimit points are in view.
class MapCanvas : public QWidget
{
    Q_OBJECT

public:
    static constexpr qint64 DetailLimit = 20000;
    static constexpr qint64 ThumbnailLimit = 150;

    explicit MapCanvas(QWidget *parent = nullptr);
    ~MapCanvas() override;

    // Replaces the points (null or empty: none) and fits them into view; clears the selection.
    void setPoints(std::shared_ptr<const MapPoints> points);
    std::shared_ptr<const MapPoints> points() const { return m_points; }

    // categories[row] indexes palette; rows beyond categories use the last palette colour.
    void setCategories(std::vector<quint8> categories, const QVector<QColor> &palette,
                       const QStringList &names);
    void setThumbnailCache(ThumbnailCache *cache) { m_thumbnails = cache; }
    void setLassoMode(bool on) { m_lassoMode = on; }
    bool lassoMode() const { return m_lassoMode; }

    // The view: data point at the widget's centre and pixels per data unit. fitAll() shows
    // every point and keeps doing so on resizes until the user zooms or pans.
    QPointF viewCentre() const { return m_centre; }
    double viewScale() const { return m_scale; }
    QPointF toWidget(QPointF data) const;
    QPointF toData(QPointF widget) const;
    void fitAll();
    void zoomBy(double factor, QPointF widgetAnchor);
    void panBy(QPointF pixels);

    // Image ids of the selected points, ascending.
    QVector<qint64> selectedIds() const;
    void clearSelection();
    // Selects the points inside polygon (widget coordinates), or adds them when adding.
    void selectInside(const QPolygonF &widgetPolygon, bool adding);

    // How the last frame was drawn: points drawn one by one (0 in raster mode), thumbnails.
    qint64 lastDetailedPoints() const { return m_lastDetailed; }
    int lastThumbnails() const { return m_lastThumbnails; }
    bool rasterPending() const { return m_rendering || m_renderAgain; }

Q_SIGNALS:
    void selectionChanged(const QVector<qint64> &imageIds);
    void viewChanged();
    void rasterUpdated(); // a render job finished and its raster is shown

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    bool event(QEvent *event) override;

private:
    struct RasterView
    {
        QPointF centre;
        double scale = 0;
        QSize size;
        quint64 colouring = 0;
        bool operator==(const RasterView &other) const = default;
    };

    RasterView currentView() const;
    qint64 pointsInView(const QRectF &dataRect) const;
    QRectF visibleDataRect() const;
    qint64 nearestPoint(QPointF widgetPos, double maxPixels) const;
    void drawDetailed(QPainter &painter, const QRectF &dataRect, bool thumbnails);
    void drawRaster(QPainter &painter);
    void drawSelection(QPainter &painter, const QRectF &dataRect);
    void scheduleRaster();
    void startRaster();
    void afterViewChange();

    std::shared_ptr<const MapPoints> m_points;
    std::shared_ptr<const std::vector<quint8>> m_categories;
    QVector<QColor> m_palette;
    QStringList m_categoryNames;
    quint64 m_colouring = 0; // changes with every setCategories()/setPoints()
    ThumbnailCache *m_thumbnails = nullptr;

    QPointF m_centre;
    double m_scale = 1.0;
    bool m_autoFit = true; // the view shows everything and follows resizes until moved

    std::vector<bool> m_selected; // per row
    QVector<qint64> m_selectedRows;

    bool m_lassoMode = false;
    bool m_lassoing = false;
    bool m_panning = false;
    QPolygonF m_lasso;
    QPoint m_lastMouse;

    // The raster on screen and the view it was rendered for; at most one job at a time.
    QImage m_raster;
    RasterView m_rasterView;
    QFutureWatcher<QImage> m_renderWatcher;
    RasterView m_renderingView;
    bool m_rendering = false;
    bool m_renderAgain = false;

    qint64 m_lastDetailed = 0;
    int m_lastThumbnails = 0;
};

} // namespace likeness
