#include "gallerymodel.h"

#include "store/project.h"

#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QIcon>
#include <QLocale>
#include <QStyle>

#include <algorithm>

namespace likeness {

GalleryModel::GalleryModel(QObject *parent)
    : QAbstractListModel(parent)
    , m_thumbnails(TileSide)
    , m_records(20000)
{
}

GalleryModel::~GalleryModel() = default;

void GalleryModel::setProject(const Project *project)
{
    m_project = project;
    reload();
}

void GalleryModel::reload()
{
    beginResetModel();
    m_thumbnails.setProject(m_project);
    m_records.clear();
    m_ids = m_project ? m_project->imageIds() : QVector<qint64>();
    endResetModel();
}

qint64 GalleryModel::imageId(const QModelIndex &index) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid)) {
        return 0;
    }
    return m_ids.at(index.row());
}

QModelIndex GalleryModel::indexOfImage(qint64 imageId) const
{
    const auto it = std::lower_bound(m_ids.cbegin(), m_ids.cend(), imageId);
    if (it == m_ids.cend() || *it != imageId) {
        return {};
    }
    return index(int(it - m_ids.cbegin()));
}

int GalleryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_ids.size());
}

QVariant GalleryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }

    const qint64 id = m_ids.at(index.row());
    switch (role) {
    case ImageIdRole:
        return id;
    case Qt::DecorationRole: {
        const QPixmap tile = m_thumbnails.tile(id);
        if (!tile.isNull()) {
            return tile;
        }
        return QApplication::style()->standardIcon(QStyle::SP_MessageBoxWarning);
    }
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
    case StatusRole:
        break;
    default:
        return {};
    }

    const ImageRecord *image = record(id);
    if (!image) {
        return {};
    }
    if (role == Qt::DisplayRole) {
        return QFileInfo(image->path).fileName();
    }
    if (role == StatusRole) {
        return image->status;
    }

    QString tip = tr("%1\n%2 × %3 pixels, %4")
                      .arg(QDir::toNativeSeparators(image->path))
                      .arg(image->width)
                      .arg(image->height)
                      .arg(QLocale().formattedDataSize(image->bytes));
    if (image->status != ImageStatus::Ok) {
        tip += u'\n' + tr("Not usable: %1").arg(image->error);
    }
    return tip;
}

QHash<int, QByteArray> GalleryModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(ImageIdRole, "imageId");
    names.insert(StatusRole, "status");
    return names;
}

const ImageRecord *GalleryModel::record(qint64 imageId) const
{
    if (const ImageRecord *cached = m_records.object(imageId)) {
        return cached;
    }
    if (!m_project) {
        return nullptr;
    }

    std::optional<ImageRecord> image = m_project->image(imageId);
    if (!image) {
        return nullptr;
    }
    m_records.insert(imageId, new ImageRecord(std::move(*image)));
    return m_records.object(imageId);
}

} // namespace likeness
