#pragma once

#include <QCache>
#include <QPixmap>

namespace likeness {

class Project;

// Decoded thumbnails of one project as square tiles, kept in memory up to a budget.
//
// GUI thread only: it reads PNG bytes through the GUI thread's Project connection and hands
// out QPixmaps. Every tile is side × side pixels with the picture centred and scaled to fit
// (small pictures are scaled up), so views can rely on uniform item sizes. Images without a
// cached thumbnail come back as a null pixmap; that answer is cached too.
class ThumbnailCache
{
public:
    explicit ThumbnailCache(int side, qint64 budgetBytes = 64 * 1024 * 1024);

    // Forgets every tile; project may be null (every lookup then returns a null pixmap).
    void setProject(const Project *project);
    const Project *project() const { return m_project; }
    int side() const { return m_side; }

    QPixmap tile(qint64 imageId);
    void clear() { m_tiles.clear(); }

    // Scales image to fit a side × side square and centres it on a transparent tile.
    static QPixmap makeTile(const QImage &image, int side);

private:
    const Project *m_project = nullptr;
    int m_side = 0;
    QCache<qint64, QPixmap> m_tiles; // cost in KiB
};

} // namespace likeness
