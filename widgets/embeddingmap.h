#pragma once

#include "ml/projection.h"
#include "thumbnailcache.h"

#include <QHash>
#include <QWidget>

#include <memory>
#include <vector>

class QComboBox;
class QLabel;
class QListWidget;
class QStackedWidget;
class QToolButton;

namespace likeness {

class MapCanvas;
class Project;
struct Judgment;

// The Map tab: a 2-D map of the current model version's embeddings (a MapCanvas), a tool
// row to choose the layout, the colouring and the lasso, and a legend of the colours.
//
// The window computes the map (loadVersionMap()) as a background job and hands it over with
// setVersionMap(); until then, or when there is nothing to show, a message says what to do.
// Colours come from the GUI thread's Project: the most frequent labels, the annotators'
// agreement on the judgments that involve each image, or how far each point moved since the
// previous model version. Lasso selections are re-emitted as selectionChanged().
class EmbeddingMap : public QWidget
{
    Q_OBJECT

public:
    enum class Colouring { Labels, Agreement, Change };
    static constexpr int TopLabels = 10; // colours for the most frequent labels

    explicit EmbeddingMap(QWidget *parent = nullptr);
    ~EmbeddingMap() override;

    // project is the GUI thread's connection (labels, judgments, thumbnails); null clears.
    void setProject(const Project *project);
    // The map to show; null shows the message instead.
    void setVersionMap(std::shared_ptr<const VersionMap> map);
    std::shared_ptr<const VersionMap> versionMap() const { return m_map; }
    // Shown instead of the map (while it is computed, or why there is none).
    void showMessage(const QString &text);
    QString message() const;
    bool isShowingMap() const;

    ProjectionMethod method() const;
    Colouring colouring() const;
    void setColouring(Colouring colouring);
    // The legend's entries as shown, top to bottom.
    QStringList legendEntries() const;
    MapCanvas *canvas() const { return m_canvas; }

    // Labels or judgments changed: colours them again.
    void refreshColours();

    // Agreement of each image's judgments, as a category: 0 annotators disagree, 1 they
    // agree, 2 judged by one annotator only, 3 not judged. A triplet counts as judged twice
    // when two annotators answered it, whichever candidate was shown first; skips are
    // ignored. An image takes the worst category of the triplets it appears in.
    static QHash<qint64, quint8> agreementCategories(const QVector<Judgment> &judgments);

Q_SIGNALS:
    // The user asked for another layout; the window computes it and calls setVersionMap().
    void methodChanged(ProjectionMethod method);
    void selectionChanged(const QVector<qint64> &imageIds);

private:
    void colourByLabels(std::vector<quint8> &categories, QStringList &names,
                        QVector<int> &colours);
    void colourByAgreement(std::vector<quint8> &categories, QStringList &names,
                           QVector<int> &colours);
    void colourByChange(std::vector<quint8> &categories, QStringList &names,
                        QVector<int> &colours);
    void updateInfo();

    const Project *m_project = nullptr;
    std::shared_ptr<const VersionMap> m_map;
    ThumbnailCache m_thumbnails;

    QComboBox *m_method = nullptr;
    QComboBox *m_colouring = nullptr;
    QToolButton *m_lasso = nullptr;
    QToolButton *m_fit = nullptr;
    QLabel *m_info = nullptr;
    QStackedWidget *m_stack = nullptr;
    QLabel *m_message = nullptr;
    MapCanvas *m_canvas = nullptr;
    QListWidget *m_legend = nullptr;
};

} // namespace likeness
