#include "mapcanvas.h"

#include "guilogging.h"
#include "thumbnailcache.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <QWheelEvent>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>

namespace likeness {

namespace {

constexpr int DotSize = 3;
constexpr int ThumbnailSide = 48;
constexpr double FitMargin = 0.92;
constexpr double WheelStep = 1.0015; // zoom factor per eighth of a degree of wheel turn
constexpr double KeyZoom = 1.25;
constexpr int ClickSlop = 3; // pixels a click may move and still count as a click
constexpr qint64 SparseRaster = 200000;

// Where a point lands in an image of the given view (top-left pixel coordinates).
struct ViewMapping
{
    QPointF centre;
    double scale = 1;
    double halfWidth = 0;
    double halfHeight = 0;

    double x(float dataX) const { return (dataX - centre.x()) * scale + halfWidth; }
    double y(float dataY) const { return (dataY - centre.y()) * scale + halfHeight; }
};

// Per pixel: how many points fell on it and the sums of their colours.
struct PixelSum
{
    quint32 count = 0;
    quint32 red = 0;
    quint32 green = 0;
    quint32 blue = 0;
};

// Accumulates each visible point's colour into a splat × splat pixel square and turns the
// sums into a premultiplied image: colour is the mean of the points' colours, opacity grows
// with the logarithm of their count. Runs on a pool thread; touches only what it was handed.
QImage renderDensity(std::shared_ptr<const MapPoints> points,
                     std::shared_ptr<const std::vector<quint8>> categories,
                     QVector<QRgb> palette, QPointF centre, double scale, QSize size,
                     int splat)
{
    const int width = size.width();
    const int height = size.height();
    if (width <= 0 || height <= 0 || !points || palette.isEmpty()) {
        return {};
    }

    const ViewMapping mapping{centre, scale, width / 2.0, height / 2.0};
    const QRectF dataRect(centre.x() - mapping.halfWidth / scale,
                          centre.y() - mapping.halfHeight / scale, width / scale,
                          height / scale);
    std::vector<PixelSum> sums(size_t(width) * height);
    const qsizetype categoryCount = categories ? qsizetype(categories->size()) : 0;

    // Only the cells in view are visited, so a zoomed-in raster costs less.
    const QRect cells = points->cellsCovering(dataRect);
    for (int cy = cells.top(); cy <= cells.bottom(); ++cy) {
        for (int cx = cells.left(); cx <= cells.right(); ++cx) {
            const int cell = cy * points->gridSide + cx;
            for (quint32 k = points->cellStart[cell]; k < points->cellStart[cell + 1]; ++k) {
                const int px = int(std::floor(mapping.x(points->cellXy[size_t(k) * 2])));
                const int py = int(std::floor(mapping.y(points->cellXy[size_t(k) * 2 + 1])));
                if (px <= -splat || py <= -splat || px >= width || py >= height) {
                    continue;
                }
                const quint32 row = points->order[k];
                const qsizetype category = row < categoryCount ? (*categories)[row]
                                                               : palette.size() - 1;
                const QRgb rgb = palette[std::min<qsizetype>(category, palette.size() - 1)];
                for (int y = std::max(py, 0); y < std::min(py + splat, height); ++y) {
                    for (int x = std::max(px, 0); x < std::min(px + splat, width); ++x) {
                        PixelSum &sum = sums[size_t(y) * width + x];
                        ++sum.count;
                        sum.red += qRed(rgb);
                        sum.green += qGreen(rgb);
                        sum.blue += qBlue(rgb);
                    }
                }
            }
        }
    }

    quint32 maxCount = 0;
    for (const PixelSum &sum : sums) {
        maxCount = std::max(maxCount, sum.count);
    }
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    if (maxCount == 0) {
        return image;
    }
    const double logMax = std::log1p(double(maxCount));
    for (int y = 0; y < height; ++y) {
        auto *line = reinterpret_cast<QRgb *>(image.scanLine(y));
        for (int x = 0; x < width; ++x) {
            const PixelSum &sum = sums[size_t(y) * width + x];
            if (sum.count == 0) {
                continue;
            }
            const double alpha = 0.35 + 0.65 * std::log1p(double(sum.count)) / logMax;
            const auto channel = [&](quint32 total) {
                return int(alpha * total / sum.count + 0.5);
            };
            line[x] = qRgba(channel(sum.red), channel(sum.green), channel(sum.blue),
                            int(alpha * 255 + 0.5));
        }
    }
    return image;
}

} // namespace

std::shared_ptr<const MapPoints> MapPoints::build(QVector<qint64> ids, std::vector<float> xy)
{
    auto points = std::make_shared<MapPoints>();
    const qint64 rows = std::min<qint64>(ids.size(), qint64(xy.size() / 2));
    ids.resize(rows);
    xy.resize(size_t(rows) * 2);
    points->ids = std::move(ids);
    points->xy = std::move(xy);

    // Bounds, widened a little when all points share an x or a y.
    float left = 0;
    float right = 0;
    float top = 0;
    float bottom = 0;
    for (qint64 row = 0; row < rows; ++row) {
        const float x = points->xy[size_t(row) * 2];
        const float y = points->xy[size_t(row) * 2 + 1];
        left = row == 0 ? x : std::min(left, x);
        right = row == 0 ? x : std::max(right, x);
        top = row == 0 ? y : std::min(top, y);
        bottom = row == 0 ? y : std::max(bottom, y);
    }
    const double padX = right > left ? 0.0 : 0.5;
    const double padY = bottom > top ? 0.0 : 0.5;
    points->bounds = QRectF(QPointF(left - padX, top - padY), QPointF(right + padX, bottom + padY));

    // A counting sort of the rows by cell: about 16 points per cell on average.
    const int side = std::clamp(int(std::sqrt(double(rows) / 16.0)), 1, 1024);
    points->gridSide = side;
    points->cellStart.assign(size_t(side) * side + 1, 0);
    std::vector<quint32> cellOf(static_cast<size_t>(rows));
    const QRectF b = points->bounds;
    for (qint64 row = 0; row < rows; ++row) {
        const int cx = std::clamp(int((points->xy[size_t(row) * 2] - b.left()) / b.width()
                                      * side),
                                  0, side - 1);
        const int cy = std::clamp(int((points->xy[size_t(row) * 2 + 1] - b.top()) / b.height()
                                      * side),
                                  0, side - 1);
        cellOf[size_t(row)] = quint32(cy * side + cx);
        ++points->cellStart[cellOf[size_t(row)] + 1];
    }
    for (size_t c = 1; c < points->cellStart.size(); ++c) {
        points->cellStart[c] += points->cellStart[c - 1];
    }
    points->order.resize(size_t(rows));
    points->cellXy.resize(size_t(rows) * 2);
    std::vector<quint32> next(points->cellStart.cbegin(), points->cellStart.cend() - 1);
    for (qint64 row = 0; row < rows; ++row) {
        const quint32 k = next[cellOf[size_t(row)]]++;
        points->order[k] = quint32(row);
        points->cellXy[size_t(k) * 2] = points->xy[size_t(row) * 2];
        points->cellXy[size_t(k) * 2 + 1] = points->xy[size_t(row) * 2 + 1];
    }
    return points;
}

QRect MapPoints::cellsCovering(const QRectF &rect) const
{
    const auto cell = [this](double value, double origin, double extent) {
        return std::clamp(int(std::floor((value - origin) / extent * gridSide)), 0,
                          gridSide - 1);
    };
    const int x0 = cell(rect.left(), bounds.left(), bounds.width());
    const int x1 = cell(rect.right(), bounds.left(), bounds.width());
    const int y0 = cell(rect.top(), bounds.top(), bounds.height());
    const int y1 = cell(rect.bottom(), bounds.top(), bounds.height());
    if (rect.right() < bounds.left() || rect.left() > bounds.right()
        || rect.bottom() < bounds.top() || rect.top() > bounds.bottom()) {
        return {};
    }
    return QRect(QPoint(x0, y0), QPoint(x1, y1));
}

MapCanvas::MapCanvas(QWidget *parent)
    : QWidget(parent)
{
    m_palette = {QColor(0x4e79a7)};
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMinimumSize(200, 150);
    setAccessibleName(tr("Embedding map"));
    setAccessibleDescription(tr("Every image as a point; similar images lie close together. "
                                "Arrow keys pan, + and - zoom, 0 shows everything, Shift+drag "
                                "selects with a lasso, Escape clears the selection."));
    connect(&m_renderWatcher, &QFutureWatcherBase::finished, this, [this] {
        m_rendering = false;
        m_raster = m_renderWatcher.result();
        m_rasterView = m_renderingView;
        update();
        Q_EMIT rasterUpdated();
        if (m_renderAgain || !(m_rasterView == currentView())) {
            m_renderAgain = false;
            scheduleRaster();
        }
    });
}

MapCanvas::~MapCanvas()
{
    // A render job only holds shared data and its own buffers, so it may finish unobserved.
    m_renderWatcher.disconnect(this);
}

void MapCanvas::setPoints(std::shared_ptr<const MapPoints> points)
{
    m_points = points && points->rows() > 0 ? std::move(points) : nullptr;
    m_selected.assign(m_points ? size_t(m_points->rows()) : 0, false);
    m_selectedRows.clear();
    m_raster = QImage();
    ++m_colouring;
    fitAll();
}

void MapCanvas::setCategories(std::vector<quint8> categories, const QVector<QColor> &palette,
                              const QStringList &names)
{
    m_categories = std::make_shared<const std::vector<quint8>>(std::move(categories));
    m_palette = palette.isEmpty() ? QVector<QColor>{Qt::darkGray} : palette;
    m_categoryNames = names;
    ++m_colouring;
    update();
    scheduleRaster();
}

QPointF MapCanvas::toWidget(QPointF data) const
{
    return (data - m_centre) * m_scale + QPointF(width() / 2.0, height() / 2.0);
}

QPointF MapCanvas::toData(QPointF widget) const
{
    return (widget - QPointF(width() / 2.0, height() / 2.0)) / m_scale + m_centre;
}

void MapCanvas::fitAll()
{
    if (!m_points) {
        m_centre = {};
        m_scale = 1.0;
        afterViewChange();
        return;
    }
    const QRectF bounds = m_points->bounds;
    const QSizeF area = size().isEmpty() ? QSizeF(400, 300) : QSizeF(size());
    m_centre = bounds.center();
    m_scale = FitMargin * std::min(area.width() / bounds.width(),
                                   area.height() / bounds.height());
    m_autoFit = true;
    afterViewChange();
}

void MapCanvas::zoomBy(double factor, QPointF widgetAnchor)
{
    if (!m_points || factor <= 0) {
        return;
    }

    // Keep the data point under the anchor where it is.
    const QPointF anchor = toData(widgetAnchor);
    const double fit = std::min(width() / m_points->bounds.width(),
                                height() / m_points->bounds.height());
    const double scale = std::clamp(m_scale * factor, fit / 8.0, fit * 1e5);
    m_centre = anchor - (widgetAnchor - QPointF(width() / 2.0, height() / 2.0)) / scale;
    m_scale = scale;
    m_autoFit = false;
    afterViewChange();
}

void MapCanvas::panBy(QPointF pixels)
{
    m_centre -= pixels / m_scale;
    m_autoFit = false;
    afterViewChange();
}

QVector<qint64> MapCanvas::selectedIds() const
{
    QVector<qint64> ids;
    ids.reserve(m_selectedRows.size());
    for (qint64 row : m_selectedRows) {
        ids.append(m_points->ids[row]);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

void MapCanvas::clearSelection()
{
    if (m_selectedRows.isEmpty()) {
        return;
    }
    for (qint64 row : std::as_const(m_selectedRows)) {
        m_selected[size_t(row)] = false;
    }
    m_selectedRows.clear();
    update();
    Q_EMIT selectionChanged({});
}

void MapCanvas::selectInside(const QPolygonF &widgetPolygon, bool adding)
{
    if (!m_points || widgetPolygon.size() < 3) {
        return;
    }
    if (!adding) {
        for (qint64 row : std::as_const(m_selectedRows)) {
            m_selected[size_t(row)] = false;
        }
        m_selectedRows.clear();
    }

    // Test the points of the cells under the polygon's bounding box, in data coordinates.
    QPolygonF polygon;
    for (const QPointF &corner : widgetPolygon) {
        polygon.append(toData(corner));
    }
    const QRect cells = m_points->cellsCovering(polygon.boundingRect());
    for (int cy = cells.top(); cy <= cells.bottom(); ++cy) {
        for (int cx = cells.left(); cx <= cells.right(); ++cx) {
            const int cell = cy * m_points->gridSide + cx;
            for (quint32 k = m_points->cellStart[cell]; k < m_points->cellStart[cell + 1];
                 ++k) {
                const quint32 row = m_points->order[k];
                if (!m_selected[row]
                    && polygon.containsPoint(m_points->pointAt(k), Qt::OddEvenFill)) {
                    m_selected[row] = true;
                    m_selectedRows.append(row);
                }
            }
        }
    }
    qCDebug(lcGui) << "lasso selected" << m_selectedRows.size() << "points";
    update();
    Q_EMIT selectionChanged(selectedIds());
}

MapCanvas::RasterView MapCanvas::currentView() const
{
    return {m_centre, m_scale, size(), m_colouring};
}

QRectF MapCanvas::visibleDataRect() const
{
    return QRectF(toData(QPointF(0, 0)), toData(QPointF(width(), height())));
}

qint64 MapCanvas::pointsInView(const QRectF &dataRect) const
{
    if (!m_points) {
        return 0;
    }

    // Whole cells count, so this is an upper bound that is exact when zoomed out.
    const QRect cells = m_points->cellsCovering(dataRect);
    qint64 total = 0;
    for (int cy = cells.top(); cy <= cells.bottom(); ++cy) {
        const int first = cy * m_points->gridSide + cells.left();
        total += m_points->cellStart[first + cells.width()] - m_points->cellStart[first];
    }
    return total;
}

qint64 MapCanvas::nearestPoint(QPointF widgetPos, double maxPixels) const
{
    if (!m_points) {
        return -1;
    }
    const QPointF centre = toData(widgetPos);
    const double radius = maxPixels / m_scale;
    const QRect cells = m_points->cellsCovering(
        QRectF(centre - QPointF(radius, radius), QSizeF(2 * radius, 2 * radius)));
    qint64 best = -1;
    double bestDistance = radius * radius;
    for (int cy = cells.top(); cy <= cells.bottom(); ++cy) {
        for (int cx = cells.left(); cx <= cells.right(); ++cx) {
            const int cell = cy * m_points->gridSide + cx;
            for (quint32 k = m_points->cellStart[cell]; k < m_points->cellStart[cell + 1];
                 ++k) {
                const QPointF delta = m_points->pointAt(k) - centre;
                const double distance = QPointF::dotProduct(delta, delta);
                if (distance <= bestDistance) {
                    bestDistance = distance;
                    best = m_points->order[k];
                }
            }
        }
    }
    return best;
}

void MapCanvas::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().color(QPalette::Base));
    m_lastDetailed = 0;
    m_lastThumbnails = 0;
    if (m_points) {
        const QRectF dataRect = visibleDataRect();
        const qint64 inView = pointsInView(dataRect);
        if (inView <= DetailLimit) {
            drawDetailed(painter, dataRect, inView <= ThumbnailLimit && m_thumbnails);
        } else {
            drawRaster(painter);
        }
        drawSelection(painter, dataRect);
    }

    if (m_lassoing && m_lasso.size() > 1) {
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(QPen(palette().color(QPalette::Highlight), 1.5, Qt::DashLine));
        painter.setBrush(QColor(0, 120, 215, 30));
        painter.drawPolygon(m_lasso);
    }
    if (hasFocus()) {
        painter.setPen(QPen(palette().color(QPalette::Highlight), 2));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(rect().adjusted(1, 1, -1, -1));
    }
}

void MapCanvas::drawDetailed(QPainter &painter, const QRectF &dataRect, bool thumbnails)
{
    const ViewMapping mapping{m_centre, m_scale, width() / 2.0, height() / 2.0};
    const qsizetype categoryCount = m_categories ? qsizetype(m_categories->size()) : 0;
    const auto colourOf = [&](quint32 row) -> const QColor & {
        const qsizetype category = row < categoryCount ? (*m_categories)[row]
                                                       : m_palette.size() - 1;
        return m_palette[std::min<qsizetype>(category, m_palette.size() - 1)];
    };

    const QRect cells = m_points->cellsCovering(dataRect);
    for (int cy = cells.top(); cy <= cells.bottom(); ++cy) {
        for (int cx = cells.left(); cx <= cells.right(); ++cx) {
            const int cell = cy * m_points->gridSide + cx;
            for (quint32 k = m_points->cellStart[cell]; k < m_points->cellStart[cell + 1];
                 ++k) {
                const quint32 row = m_points->order[k];
                const int x = int(mapping.x(m_points->cellXy[size_t(k) * 2]));
                const int y = int(mapping.y(m_points->cellXy[size_t(k) * 2 + 1]));
                if (x < -ThumbnailSide || y < -ThumbnailSide || x > width() + ThumbnailSide
                    || y > height() + ThumbnailSide) {
                    continue;
                }
                const QPixmap tile = thumbnails ? m_thumbnails->tile(m_points->ids[row])
                                                : QPixmap();
                if (!tile.isNull()) {
                    const QRect target(x - ThumbnailSide / 2, y - ThumbnailSide / 2,
                                       ThumbnailSide, ThumbnailSide);
                    painter.drawPixmap(target, tile);
                    painter.setPen(QPen(colourOf(row), 2));
                    painter.setBrush(Qt::NoBrush);
                    painter.drawRect(target.adjusted(-1, -1, 0, 0));
                    ++m_lastThumbnails;
                } else {
                    painter.fillRect(x - DotSize / 2, y - DotSize / 2, DotSize, DotSize,
                                     colourOf(row));
                }
                ++m_lastDetailed;
            }
        }
    }
}

void MapCanvas::drawRaster(QPainter &painter)
{
    if (m_raster.isNull()) {
        return;
    }

    // The raster's pixel p shows data point (p - size/2) / s_r + c_r; place it for this view.
    const double stretch = m_scale / m_rasterView.scale;
    const QPointF shift = (m_rasterView.centre - m_centre) * m_scale;
    painter.save();
    painter.translate(width() / 2.0 + shift.x(), height() / 2.0 + shift.y());
    painter.scale(stretch, stretch);
    painter.drawImage(QPointF(-m_raster.width() / 2.0, -m_raster.height() / 2.0), m_raster);
    painter.restore();
}

void MapCanvas::drawSelection(QPainter &painter, const QRectF &dataRect)
{
    if (m_selectedRows.isEmpty()) {
        return;
    }
    painter.setPen(QPen(palette().color(QPalette::Text), 1));
    painter.setBrush(palette().color(QPalette::Highlight));
    const QRectF margin = dataRect.adjusted(-1 / m_scale, -1 / m_scale, 1 / m_scale,
                                            1 / m_scale);
    for (qint64 row : std::as_const(m_selectedRows)) {
        const QPointF point = m_points->point(row);
        if (margin.contains(point)) {
            const QPointF at = toWidget(point);
            painter.drawRect(QRectF(at.x() - 2.5, at.y() - 2.5, 5, 5));
        }
    }
}

void MapCanvas::scheduleRaster()
{
    if (!m_points || pointsInView(visibleDataRect()) <= DetailLimit || size().isEmpty()) {
        return;
    }
    if (m_rendering) {
        m_renderAgain = true;
        return;
    }
    startRaster();
}

void MapCanvas::startRaster()
{
    QVector<QRgb> colours;
    for (const QColor &colour : std::as_const(m_palette)) {
        colours.append(colour.rgb());
    }
    // Dense views get one pixel per point, sparser ones a 2 × 2 square to stay visible.
    const int splat = pointsInView(visibleDataRect()) > SparseRaster ? 1 : 2;
    m_renderingView = currentView();
    m_rendering = true;
    m_renderWatcher.setFuture(QtConcurrent::run(renderDensity, m_points, m_categories, colours,
                                                m_centre, m_scale, size(), splat));
}

void MapCanvas::afterViewChange()
{
    update();
    scheduleRaster();
    Q_EMIT viewChanged();
}

void MapCanvas::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    if (m_autoFit) {
        fitAll();
    } else {
        scheduleRaster();
    }
}

void MapCanvas::wheelEvent(QWheelEvent *event)
{
    zoomBy(std::pow(WheelStep, event->angleDelta().y()), event->position());
    event->accept();
}

void MapCanvas::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton) {
        QWidget::mousePressEvent(event);
        return;
    }
    m_lastMouse = event->position().toPoint();
    if (m_lassoMode || event->modifiers() & Qt::ShiftModifier) {
        m_lassoing = true;
        m_lasso = QPolygonF({event->position()});
    } else {
        m_panning = true;
        m_lasso = QPolygonF({event->position()}); // remembers where a click started
        setCursor(Qt::ClosedHandCursor);
    }
    event->accept();
}

void MapCanvas::mouseMoveEvent(QMouseEvent *event)
{
    const QPoint position = event->position().toPoint();
    if (m_lassoing) {
        m_lasso.append(event->position());
        update();
    } else if (m_panning) {
        panBy(position - m_lastMouse);
    }
    m_lastMouse = position;
}

void MapCanvas::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton || (!m_lassoing && !m_panning)) {
        QWidget::mouseReleaseEvent(event);
        return;
    }
    const bool adding = event->modifiers() & Qt::ControlModifier;
    const bool click = !m_lasso.isEmpty()
                       && (event->position() - m_lasso.first()).manhattanLength() <= ClickSlop
                       && m_lasso.size() <= 2;
    if (m_lassoing && !click) {
        m_lasso.append(event->position());
        selectInside(m_lasso, adding);
    } else if (click) {
        // A click picks the point under the cursor, or clears the selection on empty space.
        const qint64 row = nearestPoint(event->position(), 6.0);
        if (row < 0) {
            clearSelection();
        } else {
            const QPointF at = toWidget(m_points->point(row));
            selectInside(QPolygonF({at + QPointF(-0.5, -0.5), at + QPointF(0.5, -0.5),
                                    at + QPointF(0.5, 0.5), at + QPointF(-0.5, 0.5)}),
                         adding);
        }
    }
    m_lassoing = false;
    m_panning = false;
    m_lasso.clear();
    unsetCursor();
    update();
}

void MapCanvas::keyPressEvent(QKeyEvent *event)
{
    const QPointF middle(width() / 2.0, height() / 2.0);
    const double step = std::max(width(), height()) / 8.0;
    switch (event->key()) {
    case Qt::Key_Left:
        panBy({step, 0});
        break;
    case Qt::Key_Right:
        panBy({-step, 0});
        break;
    case Qt::Key_Up:
        panBy({0, step});
        break;
    case Qt::Key_Down:
        panBy({0, -step});
        break;
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomBy(KeyZoom, middle);
        break;
    case Qt::Key_Minus:
        zoomBy(1.0 / KeyZoom, middle);
        break;
    case Qt::Key_0:
    case Qt::Key_Home:
        fitAll();
        break;
    case Qt::Key_Escape:
        clearSelection();
        break;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    event->accept();
}

bool MapCanvas::event(QEvent *event)
{
    if (event->type() != QEvent::ToolTip) {
        return QWidget::event(event);
    }

    // The point under the cursor, or how to use the map when there is none.
    auto *help = static_cast<QHelpEvent *>(event);
    const qint64 row = nearestPoint(help->pos(), 6.0);
    if (row < 0) {
        QToolTip::showText(help->globalPos(),
                           tr("Drag to pan, turn the wheel to zoom, Shift+drag to select"),
                           this);
        return true;
    }
    const qsizetype category = m_categories && size_t(row) < m_categories->size()
                                   ? (*m_categories)[size_t(row)]
                                   : m_categoryNames.size() - 1;
    const QString name = m_categoryNames.value(category);
    QToolTip::showText(help->globalPos(),
                       name.isEmpty() ? tr("Image %1").arg(m_points->ids[row])
                                      : tr("Image %1 — %2").arg(m_points->ids[row]).arg(name),
                       this);
    return true;
}

} // namespace likeness
