#pragma once

#include "thumbnailcache.h"

#include <QAbstractListModel>
#include <QCache>
#include <QVector>

namespace likeness {

class Project;
struct ImageRecord;

// A flat list over the images of a project, one row per image, ascending by id:
//
//   (invalid parent)
//     ├─ row 0            → m_ids[0]
//     ├─ row 1            → m_ids[1]
//     └─ row rowCount()-1 → m_ids.back()      column 0 only, no children
//
// rowCount() is the size of an id vector read once per reload(), and data() is O(1): the
// record behind a row and its thumbnail tile are fetched on first use and kept in QCaches, so
// the model stays cheap for 100k rows when a view asks only for the rows it shows.
//
// Roles: DisplayRole is the file name, DecorationRole a square thumbnail tile (a placeholder
// icon for files that are not ok), ToolTipRole the path, size and status, ImageIdRole the
// image id (qint64) and StatusRole the ImageStatus value.
class GalleryModel : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Role { ImageIdRole = Qt::UserRole + 1, StatusRole };

    static constexpr int TileSide = 128;

    explicit GalleryModel(QObject *parent = nullptr);
    ~GalleryModel() override;

    // Shows the images of project (null: none). The project must outlive the model or be
    // replaced before it is destroyed.
    void setProject(const Project *project);
    // Reads the image ids again, e.g. after an import.
    void reload();

    qint64 imageId(const QModelIndex &index) const;
    QModelIndex indexOfImage(qint64 imageId) const; // invalid when the image has no row
    const QVector<qint64> &imageIds() const { return m_ids; }

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    const ImageRecord *record(qint64 imageId) const;

    const Project *m_project = nullptr;
    QVector<qint64> m_ids; // ascending
    mutable ThumbnailCache m_thumbnails;
    mutable QCache<qint64, ImageRecord> m_records;
};

} // namespace likeness
