#pragma once

#include <QMainWindow>

#include <memory>

class QAction;
class QLabel;
class QMenu;
class QSplitter;
class QTabWidget;

namespace likeness {

class EmbeddingMap;
class GalleryModel;
class GalleryView;
class JobBar;
class LabelEditor;
class NeighbourView;
class Project;
class TripletRater;
struct VersionData;

// The application window: the gallery on the left, neighbours, the triplet rater, the
// label editor and the embedding map in tabs on the right, and the running job and current
// model version in the status bar.
//
// The window owns the GUI thread's Project connection and hands it to the widgets. Long
// work (import, demo data, training, loading a model version) runs as a JobBar job that
// opens its own Project on its worker thread; only one such job runs at a time, and the
// actions that would start another are disabled meanwhile.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    enum class Tab { Neighbours, Rate, Labels, Map };

    explicit MainWindow(const QString &annotator, QWidget *parent = nullptr);
    ~MainWindow() override;

    // Opens an existing project folder; reports a failure to the user and returns false.
    bool openProject(const QString &folder);
    void showTab(Tab tab);
    bool isBusy() const;

    // Once no job runs, selects the first image, saves a picture of the window to path and
    // quits the application (for documentation and smoke tests).
    void saveScreenshotWhenIdle(const QString &path);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createActions();
    void createMenus();
    void createCentralArea();
    void readSettings();
    void writeSettings();

    void newProject();
    void chooseProjectToOpen();
    void importFolder();
    void createDemoProject();
    void trainModel();
    void loadCurrentVersion();
    void computeMap();
    void changeAnnotator();
    void about();

    void setProject(std::unique_ptr<Project> project);
    void addRecentProject(const QString &folder);
    void updateRecentMenu();
    void updateActions();
    void updateStatus();
    void reportJobFailure(const QString &what, const QString &error);

    std::unique_ptr<Project> m_project; // the GUI thread's connection; null: none open
    std::shared_ptr<const VersionData> m_versionData;
    QString m_annotator;
    QStringList m_recentProjects;

    GalleryModel *m_galleryModel = nullptr;
    GalleryView *m_gallery = nullptr;
    NeighbourView *m_neighbours = nullptr;
    TripletRater *m_rater = nullptr;
    LabelEditor *m_labels = nullptr;
    EmbeddingMap *m_map = nullptr;
    bool m_mapWanted = false; // a map job waits for the running job to end
    QSplitter *m_splitter = nullptr;
    QTabWidget *m_tabs = nullptr;
    JobBar *m_jobBar = nullptr;
    QLabel *m_imagesLabel = nullptr;
    QLabel *m_versionLabel = nullptr;

    QAction *m_newAction = nullptr;
    QAction *m_openAction = nullptr;
    QAction *m_importAction = nullptr;
    QAction *m_demoAction = nullptr;
    QAction *m_quitAction = nullptr;
    QAction *m_undoAction = nullptr;
    QAction *m_redoAction = nullptr;
    QAction *m_annotatorAction = nullptr;
    QAction *m_trainAction = nullptr;
    QAction *m_aboutAction = nullptr;
    QMenu *m_recentMenu = nullptr;
};

} // namespace likeness
