#include "thumbnailcache.h"

#include "store/project.h"

#include <QImage>
#include <QPainter>

namespace likeness {

ThumbnailCache::ThumbnailCache(int side, qint64 budgetBytes)
    : m_side(side)
    , m_tiles(qMax<qint64>(1, budgetBytes / 1024))
{
}

void ThumbnailCache::setProject(const Project *project)
{
    m_project = project;
    m_tiles.clear();
}

QPixmap ThumbnailCache::tile(qint64 imageId)
{
    if (const QPixmap *cached = m_tiles.object(imageId)) {
        return *cached;
    }
    if (!m_project) {
        return {};
    }

    const QByteArray png = m_project->thumbnail(imageId);
    QImage image;
    if (!png.isEmpty()) {
        image.loadFromData(png); // JPEG or PNG (imaging/decoder.h)
    }

    // A miss is cached as well, so a view that scrolls over broken files stays cheap.
    const QPixmap tile = image.isNull() ? QPixmap() : makeTile(image, m_side);
    const qint64 cost = qMax<qint64>(1, qint64(m_side) * m_side * 4 / 1024);
    m_tiles.insert(imageId, new QPixmap(tile), tile.isNull() ? 1 : cost);
    return tile;
}

QPixmap ThumbnailCache::makeTile(const QImage &image, int side)
{
    QPixmap tile(side, side);
    tile.fill(Qt::transparent);
    if (image.isNull()) {
        return tile;
    }

    const QImage scaled = image.scaled(side, side, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    QPainter painter(&tile);
    painter.drawImage((side - scaled.width()) / 2, (side - scaled.height()) / 2, scaled);
    return tile;
}

} // namespace likeness
