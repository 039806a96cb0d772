#include "galleryview.h"

#include "gallerymodel.h"

#include <QPainter>

#include <algorithm>

namespace likeness {

GalleryView::GalleryView(QWidget *parent)
    : QListView(parent)
{
    setViewMode(QListView::IconMode);
    setMovement(QListView::Static);
    setResizeMode(QListView::Adjust);
    setUniformItemSizes(true);
    setLayoutMode(QListView::Batched);
    setBatchSize(500);

    const int side = GalleryModel::TileSide;
    setIconSize(QSize(side, side));
    setGridSize(QSize(side + 16, side + 2 * fontMetrics().height()));
    setWordWrap(false);
    setTextElideMode(Qt::ElideMiddle);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setSelectionRectVisible(true);
    setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
}

void GalleryView::setEmptyText(const QString &text)
{
    m_emptyText = text;
    viewport()->update();
}

QVector<qint64> GalleryView::selectedImageIds() const
{
    QVector<qint64> ids;
    if (!selectionModel()) {
        return ids;
    }

    QModelIndexList rows = selectionModel()->selectedIndexes();
    std::sort(rows.begin(), rows.end());
    ids.reserve(rows.size());
    for (const QModelIndex &index : std::as_const(rows)) {
        ids.append(index.data(GalleryModel::ImageIdRole).toLongLong());
    }
    return ids;
}

qint64 GalleryView::currentImageId() const
{
    return currentIndex().data(GalleryModel::ImageIdRole).toLongLong();
}

void GalleryView::selectImage(qint64 imageId)
{
    const auto *gallery = qobject_cast<const GalleryModel *>(model());
    if (!gallery) {
        return;
    }

    const QModelIndex index = gallery->indexOfImage(imageId);
    if (!index.isValid()) {
        return;
    }
    selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect);
    scrollTo(index, QAbstractItemView::PositionAtCenter);
}

void GalleryView::paintEvent(QPaintEvent *event)
{
    QListView::paintEvent(event);
    if ((model() && model()->rowCount() > 0) || m_emptyText.isEmpty()) {
        return;
    }

    QPainter painter(viewport());
    painter.setPen(palette().color(QPalette::Disabled, QPalette::Text));
    const QRect area = viewport()->rect().adjusted(24, 24, -24, -24);
    painter.drawText(area, Qt::AlignCenter | Qt::TextWordWrap, m_emptyText);
}

void GalleryView::selectionChanged(const QItemSelection &selected,
                                   const QItemSelection &deselected)
{
    QListView::selectionChanged(selected, deselected);
    Q_EMIT selectedImagesChanged(selectedImageIds());
}

void GalleryView::currentChanged(const QModelIndex &current, const QModelIndex &previous)
{
    QListView::currentChanged(current, previous);
    Q_EMIT currentImageChanged(current.data(GalleryModel::ImageIdRole).toLongLong());
}

} // namespace likeness
