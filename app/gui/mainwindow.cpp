#include "mainwindow.h"

#include "embeddingmap.h"
#include "gallerymodel.h"
#include "galleryview.h"
#include "guilogging.h"
#include "importreportdialog.h"
#include "io/demo.h"
#include "io/importer.h"
#include "jobbar.h"
#include "labeleditor.h"
#include "ml/modelversion.h"
#include "ml/projection.h"
#include "ml/trainer.h"
#include "neighbourview.h"
#include "store/project.h"
#include "tripletrater.h"
#include "version.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDeadlineTimer>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QJsonObject>
#include <QJsonValue>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QUndoStack>

namespace likeness {

namespace {

constexpr int MaxRecentProjects = 6;
constexpr int StatusMessageMs = 10000;

// Runs fn with a Project opened on the calling thread: a Project is one SQLite connection
// and belongs to the thread that opened it, so a job never borrows the window's.
template<typename T, typename Fn>
Result<T> withOwnProject(const QString &folder, Fn fn)
{
    Result<std::unique_ptr<Project>> project = Project::open(folder);
    if (!project) {
        return Result<T>::failure(project.error());
    }
    return fn(**project);
}

struct DemoOutcome
{
    DemoReport demo;
    TrainReport training;
};

QString percent(double share)
{
    const QLocale locale;
    return locale.toString(share * 100.0, 'f', 1) + locale.percent();
}

} // namespace

MainWindow::MainWindow(const QString &annotator, QWidget *parent)
    : QMainWindow(parent)
    , m_annotator(annotator)
{
    createActions();
    createCentralArea();
    createMenus();
    readSettings();
    setProject(nullptr);
}

MainWindow::~MainWindow()
{
    // The widgets hold plain pointers to the connection; let go of it after them.
    delete takeCentralWidget();
}

bool MainWindow::openProject(const QString &folder)
{
    if (isBusy()) {
        return false;
    }
    if (!QFileInfo::exists(folder)) {
        QMessageBox::warning(this, tr("Open Project"),
                             tr("%1 does not exist. Create a project with File → New Project….")
                                 .arg(QDir::toNativeSeparators(folder)));
        return false;
    }
    if (!Project::isProject(folder)) {
        QMessageBox::warning(this, tr("Open Project"),
                             tr("%1 is not a Likeness project folder.")
                                 .arg(QDir::toNativeSeparators(folder)));
        return false;
    }

    Result<std::unique_ptr<Project>> project = Project::open(folder);
    if (!project && !Project::lockOwner(folder).isEmpty()) {
        // Another program writes to it: the work can still be browsed, read-only.
        const auto answer = QMessageBox::question(
            this, tr("Open Project"),
            tr("%1\n\nOpen it read-only to browse it? Nothing can be changed until the other "
               "program has closed it.").arg(project.error()),
            QMessageBox::Open | QMessageBox::Cancel, QMessageBox::Open);
        if (answer != QMessageBox::Open) {
            return false;
        }
        project = Project::open(folder, Project::OpenMode::ReadOnly);
        if (project) {
            statusBar()->showMessage(tr("Opened read-only: another program is writing to it."));
        }
    }
    if (!project) {
        QMessageBox::warning(this, tr("Open Project"),
                             tr("Could not open %1:\n%2")
                                 .arg(QDir::toNativeSeparators(folder), project.error()));
        return false;
    }

    setProject(std::move(*project));
    loadCurrentVersion();
    return true;
}

void MainWindow::showTab(Tab tab)
{
    m_tabs->setCurrentIndex(int(tab));
}

bool MainWindow::isBusy() const
{
    return m_jobBar->isRunning();
}

void MainWindow::createActions()
{
    m_newAction = new QAction(tr("&New Project…"), this);
    m_newAction->setShortcut(QKeySequence::New);
    m_newAction->setToolTip(tr("Create an empty project folder"));
    connect(m_newAction, &QAction::triggered, this, &MainWindow::newProject);

    m_openAction = new QAction(tr("&Open Project…"), this);
    m_openAction->setShortcut(QKeySequence::Open);
    m_openAction->setToolTip(tr("Open an existing project folder"));
    connect(m_openAction, &QAction::triggered, this, &MainWindow::chooseProjectToOpen);

    m_importAction = new QAction(tr("&Import Folder…"), this);
    m_importAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
    m_importAction->setToolTip(tr("Add every image in a folder and its subfolders"));
    connect(m_importAction, &QAction::triggered, this, &MainWindow::importFolder);

    m_demoAction = new QAction(tr("Create &Demo Project…"), this);
    m_demoAction->setToolTip(tr("Create a project from Fashion-MNIST images with labels and "
                                "train a first model on it"));
    connect(m_demoAction, &QAction::triggered, this, &MainWindow::createDemoProject);

    m_quitAction = new QAction(tr("&Quit"), this);
    m_quitAction->setShortcut(QKeySequence::Quit);
    m_quitAction->setToolTip(tr("Close the window and quit Likeness"));
    m_quitAction->setMenuRole(QAction::QuitRole);
    connect(m_quitAction, &QAction::triggered, this, &QWidget::close);

    m_annotatorAction = new QAction(tr("&Annotator Name…"), this);
    m_annotatorAction->setToolTip(tr("The name stored with your judgments and labels"));
    connect(m_annotatorAction, &QAction::triggered, this, &MainWindow::changeAnnotator);

    m_trainAction = new QAction(tr("&Train"), this);
    m_trainAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    m_trainAction->setToolTip(tr("Train a new model version on the labels and judgments; the "
                                 "current version stays live until the new one is ready"));
    connect(m_trainAction, &QAction::triggered, this, &MainWindow::trainModel);

    m_aboutAction = new QAction(tr("&About Likeness"), this);
    m_aboutAction->setToolTip(tr("Version and libraries"));
    m_aboutAction->setMenuRole(QAction::AboutRole);
    connect(m_aboutAction, &QAction::triggered, this, &MainWindow::about);
}

void MainWindow::createCentralArea()
{
    m_galleryModel = new GalleryModel(this);
    m_gallery = new GalleryView;
    m_gallery->setModel(m_galleryModel);
    m_neighbours = new NeighbourView;
    m_rater = new TripletRater;
    m_rater->setAnnotator(m_annotator);
    m_labels = new LabelEditor;
    m_labels->setAnnotator(m_annotator);
    // Edit → Undo takes back answers and label changes alike, in the order they were made.
    m_labels->setUndoStack(m_rater->undoStack());

    m_tabs = new QTabWidget;
    m_tabs->addTab(m_neighbours, tr("Neighbours"));
    m_tabs->addTab(m_rater, tr("Rate Triplets"));
    m_tabs->addTab(m_labels, tr("Labels"));
    m_map = new EmbeddingMap;
    m_tabs->addTab(m_map, tr("Map"));
    m_tabs->setTabToolTip(int(Tab::Neighbours), tr("The most similar images to the current one"));
    m_tabs->setTabToolTip(int(Tab::Rate), tr("Tell which of two images is more similar to a "
                                             "third one; keys 1, 2, T, S"));
    m_tabs->setTabToolTip(int(Tab::Labels), tr("Add and remove labels of the selected images"));
    m_tabs->setTabToolTip(int(Tab::Map), tr("All images on a plane, similar ones close "
                                            "together; lasso images to label them"));
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int index) {
        if (index == int(Tab::Rate)) {
            m_rater->setFocus();
        }
    });

    m_splitter = new QSplitter(Qt::Horizontal);
    m_splitter->addWidget(m_gallery);
    m_splitter->addWidget(m_tabs);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    setCentralWidget(m_splitter);

    connect(m_gallery, &GalleryView::currentImageChanged, m_neighbours,
            &NeighbourView::showNeighboursOf);
    connect(m_gallery, &GalleryView::selectedImagesChanged, m_labels, &LabelEditor::setImages);
    connect(m_neighbours, &NeighbourView::imageActivated, m_gallery, &GalleryView::selectImage);
    connect(m_neighbours, &NeighbourView::neighbourJudged, m_rater, &TripletRater::storeJudgment);
    connect(m_labels, &LabelEditor::labelsChanged, m_rater, &TripletRater::invalidateSampler);
    connect(m_labels, &LabelEditor::labelsChanged, m_map, &EmbeddingMap::refreshColours);
    connect(m_map, &EmbeddingMap::selectionChanged, m_labels, &LabelEditor::setImages);
    connect(m_map, &EmbeddingMap::selectionChanged, m_rater, &TripletRater::setAnchorImages);
    connect(m_map, &EmbeddingMap::methodChanged, this, &MainWindow::computeMap);

    m_jobBar = new JobBar;
    m_imagesLabel = new QLabel;
    m_versionLabel = new QLabel;
    m_imagesLabel->setContentsMargins(8, 0, 8, 0);
    m_versionLabel->setContentsMargins(8, 0, 8, 0);
    statusBar()->addPermanentWidget(m_jobBar);
    statusBar()->addPermanentWidget(m_imagesLabel);
    statusBar()->addPermanentWidget(m_versionLabel);
    connect(m_jobBar, &JobBar::runningChanged, this, &MainWindow::updateActions);
    connect(m_jobBar, &JobBar::runningChanged, this, [this](bool running) {
        if (!running && m_mapWanted) {
            computeMap();
        }
    });
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_newAction);
    file->addAction(m_openAction);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    m_recentMenu->setToolTipsVisible(true);
    file->addSeparator();
    file->addAction(m_importAction);
    file->addAction(m_demoAction);
    file->addSeparator();
    file->addAction(m_quitAction);

    m_undoAction = m_rater->undoStack()->createUndoAction(this, tr("Undo"));
    m_undoAction->setShortcut(QKeySequence::Undo);
    m_undoAction->setToolTip(tr("Take back the last answer or label change"));
    m_redoAction = m_rater->undoStack()->createRedoAction(this, tr("Redo"));
    m_redoAction->setShortcut(QKeySequence::Redo);
    m_redoAction->setToolTip(tr("Make the answer or label change you took back again"));
    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(m_undoAction);
    edit->addAction(m_redoAction);
    edit->addSeparator();
    edit->addAction(m_annotatorAction);

    QMenu *model = menuBar()->addMenu(tr("&Model"));
    model->addAction(m_trainAction);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(m_aboutAction);

    for (QMenu *menu : {file, edit, model, help}) {
        menu->setToolTipsVisible(true);
    }
}

void MainWindow::readSettings()
{
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    m_splitter->restoreState(settings.value(QStringLiteral("window/splitter")).toByteArray());
    m_recentProjects = settings.value(QStringLiteral("projects/recent")).toStringList();
    if (!settings.contains(QStringLiteral("window/geometry"))) {
        resize(1280, 820);
        m_splitter->setSizes({660, 620});
    }
    updateRecentMenu();
}

void MainWindow::writeSettings()
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/splitter"), m_splitter->saveState());
    settings.setValue(QStringLiteral("projects/recent"), m_recentProjects);
    settings.setValue(QStringLiteral("annotator"), m_annotator);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (isBusy()) {
        const auto answer = QMessageBox::question(
            this, tr("Quit Likeness"),
            tr("“%1” is still running. Cancel it and quit?").arg(m_jobBar->title()));
        if (answer != QMessageBox::Yes) {
            event->ignore();
            return;
        }

        // The job holds its own connection to the project; let it finish cancelling first.
        m_jobBar->cancel();
        QApplication::setOverrideCursor(Qt::WaitCursor);
        m_jobBar->waitForFinished();
        QApplication::restoreOverrideCursor();
    }

    writeSettings();
    event->accept();
}

void MainWindow::newProject()
{
    const QString folder = QFileDialog::getSaveFileName(
        this, tr("New Project"), QDir::homePath(), QString(), nullptr,
        QFileDialog::ShowDirsOnly | QFileDialog::DontConfirmOverwrite);
    if (folder.isEmpty()) {
        return;
    }

    Result<std::unique_ptr<Project>> project = Project::create(folder);
    if (!project) {
        QMessageBox::warning(this, tr("New Project"),
                             tr("Could not create a project in %1:\n%2")
                                 .arg(QDir::toNativeSeparators(folder), project.error()));
        return;
    }
    setProject(std::move(*project));
    statusBar()->showMessage(tr("Created %1").arg(QDir::toNativeSeparators(folder)),
                             StatusMessageMs);
}

void MainWindow::chooseProjectToOpen()
{
    const QString start = m_recentProjects.isEmpty() ? QDir::homePath() : m_recentProjects.first();
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Open Project"), start);
    if (!folder.isEmpty()) {
        openProject(folder);
    }
}

void MainWindow::importFolder()
{
    if (!m_project || isBusy()) {
        return;
    }
    const QString source = QFileDialog::getExistingDirectory(this, tr("Import Folder"),
                                                             QDir::homePath());
    if (source.isEmpty()) {
        return;
    }

    const QString folder = m_project->folder();
    auto work = [folder, source](JobControl &control) {
        return withOwnProject<ImportReport>(folder, [&](Project &project) {
            return importImages(project, {source}, control);
        });
    };
    auto done = [this](Result<ImportReport> result) {
        m_galleryModel->reload();
        m_labels->setImages({});
        m_rater->invalidateSampler();
        updateStatus();
        if (!result) {
            reportJobFailure(tr("Import"), result.error());
            return;
        }

        const ImportReport &report = *result;
        statusBar()->showMessage(tr("Import finished: %1 added, %2 updated, %3 unchanged, "
                                    "%4 skipped.")
                                     .arg(report.added)
                                     .arg(report.updated)
                                     .arg(report.unchanged)
                                     .arg(report.skipped.size()),
                                 StatusMessageMs);
        for (const SkippedFile &file : report.skipped) {
            qCInfo(lcGui) << "Skipped" << file.path << ":" << file.reason;
        }
        auto *dialog = new ImportReportDialog(report, this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->open();
        loadCurrentVersion();
    };
    m_jobBar->start<ImportReport>(tr("Importing %1").arg(QFileInfo(source).fileName()), work,
                                  done);
}

void MainWindow::createDemoProject()
{
    if (isBusy()) {
        return;
    }
    if (!QFileInfo(fashionMnistFolder()).isDir()) {
        QMessageBox::information(this, tr("Create Demo Project"),
                                 tr("The demo needs the Fashion-MNIST images in %1 (Debian "
                                    "package dataset-fashion-mnist).")
                                     .arg(QDir::toNativeSeparators(fashionMnistFolder())));
        return;
    }

    bool ok = false;
    const int limit = QInputDialog::getInt(this, tr("Create Demo Project"),
                                           tr("Number of Fashion-MNIST images:"), 2000, 30,
                                           60000, 500, &ok);
    if (!ok) {
        return;
    }
    const QString folder = QFileDialog::getSaveFileName(
        this, tr("Demo Project Folder"), QDir::home().filePath(QStringLiteral("likeness-demo")),
        QString(), nullptr, QFileDialog::ShowDirsOnly | QFileDialog::DontConfirmOverwrite);
    if (folder.isEmpty()) {
        return;
    }

    Result<std::unique_ptr<Project>> project = Project::create(folder);
    if (!project) {
        QMessageBox::warning(this, tr("Create Demo Project"),
                             tr("Could not create a project in %1:\n%2")
                                 .arg(QDir::toNativeSeparators(folder), project.error()));
        return;
    }
    setProject(std::move(*project));

    auto work = [folder, limit](JobControl &control) {
        return withOwnProject<DemoOutcome>(folder, [&](Project &project) -> Result<DemoOutcome> {
            Result<DemoReport> demo = createDemoData(project, limit, control);
            if (!demo) {
                return Result<DemoOutcome>::failure(demo.error());
            }
            Result<TrainReport> training = trainModelVersion(project, TrainSettings(), control);
            if (!training) {
                return Result<DemoOutcome>::failure(training.error());
            }
            return DemoOutcome{*demo, *training};
        });
    };
    auto done = [this](Result<DemoOutcome> result) {
        m_galleryModel->reload();
        m_rater->invalidateSampler();
        updateStatus();
        if (result) {
            statusBar()->showMessage(tr("Demo project ready: %1 images, model version %2.")
                                         .arg(result->demo.imagesWritten)
                                         .arg(result->training.version),
                                     StatusMessageMs);
        } else {
            reportJobFailure(tr("Creating the demo project"), result.error());
        }
        loadCurrentVersion();
    };
    m_jobBar->start<DemoOutcome>(tr("Creating demo project"), work, done);
}

void MainWindow::trainModel()
{
    if (!m_project || isBusy()) {
        return;
    }

    const QString folder = m_project->folder();
    auto work = [folder](JobControl &control) {
        return withOwnProject<TrainReport>(folder, [&](Project &project) {
            return trainModelVersion(project, TrainSettings(), control);
        });
    };
    auto done = [this](Result<TrainReport> result) {
        if (result && result->live) {
            statusBar()->showMessage(tr("Model version %1 trained in %2 s on %3.")
                                         .arg(result->version)
                                         .arg(qRound(result->seconds))
                                         .arg(result->device),
                                     StatusMessageMs);
        } else if (result) {
            // TODO(#7): let the user make a ready version current from a versions view.
            QMessageBox::information(
                this, tr("Training"),
                tr("Model version %1 scored worse on the held-out images than version %2, "
                   "so version %2 stays current.")
                    .arg(result->version)
                    .arg(result->previousVersion));
        } else {
            reportJobFailure(tr("Training"), result.error());
        }
        loadCurrentVersion();
    };
    m_jobBar->start<TrainReport>(tr("Training a new model version"), work, done);
}

void MainWindow::loadCurrentVersion()
{
    updateStatus();
    if (!m_project || isBusy() || m_project->imageCount(ImageStatus::Ok) == 0) {
        return;
    }

    const QString folder = m_project->folder();
    const int version = m_project->currentModelVersion();
    if (m_versionData && m_versionData->version == version
        && m_versionData->embeddings.rows() == m_project->imageCount(ImageStatus::Ok)) {
        return;
    }

    using Data = std::shared_ptr<const VersionData>;
    auto work = [folder, version](JobControl &control) {
        return withOwnProject<Data>(folder, [&](Project &project) {
            return loadVersionData(project, version, control);
        });
    };
    auto done = [this, folder](Result<Data> result) {
        if (!m_project || m_project->folder() != folder) {
            return;
        }
        if (!result) {
            reportJobFailure(tr("Loading the model version"), result.error());
            return;
        }
        m_versionData = *result;
        m_neighbours->setVersionData(m_versionData);
        m_rater->setVersionData(m_versionData);
        updateStatus();
        computeMap();
    };
    m_jobBar->start<Data>(tr("Loading model version %1").arg(version), work, done);
}

void MainWindow::computeMap()
{
    m_mapWanted = m_project && m_versionData;
    if (!m_mapWanted || isBusy()) {
        return;
    }
    m_mapWanted = false;

    using Map = std::shared_ptr<const VersionMap>;
    const QString folder = m_project->folder();
    const std::shared_ptr<const VersionData> data = m_versionData;
    const ProjectionMethod method = m_map->method();
    auto work = [folder, data, method](JobControl &control) {
        return withOwnProject<Map>(folder, [&](Project &project) -> Result<Map> {
            Result<VersionMap> map = loadVersionMap(project, data->embeddings, method, control);
            if (!map) {
                return Result<Map>::failure(map.error());
            }
            return Map(std::make_shared<const VersionMap>(std::move(*map)));
        });
    };
    auto done = [this, folder](Result<Map> result) {
        if (!m_project || m_project->folder() != folder) {
            return;
        }
        if (result) {
            m_map->setVersionMap(*result);
        } else {
            m_map->showMessage(tr("No map: %1").arg(result.error()));
        }
    };
    m_map->showMessage(tr("Computing the map of model version %1…").arg(data->version));
    m_jobBar->start<Map>(tr("Computing the map"), work, done);
}

void MainWindow::changeAnnotator()
{
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Annotator Name"),
                                               tr("Name stored with your judgments and labels:"),
                                               QLineEdit::Normal, m_annotator, &ok)
                             .trimmed();
    if (!ok || name.isEmpty()) {
        return;
    }
    m_annotator = name;
    m_rater->setAnnotator(name);
    m_labels->setAnnotator(name);
    updateStatus();
}

void MainWindow::about()
{
    QMessageBox::about(this, tr("About Likeness"),
                       tr("<h3>Likeness %1</h3>"
                          "<p>Curate image collections with human triplet judgments, labels "
                          "and nearest neighbours.</p>"
                          "<p>%2<br>Training device: %3</p>")
                           .arg(applicationVersion(), libraryVersions().toHtmlEscaped(),
                                computeDeviceName().toHtmlEscaped()));
}

void MainWindow::setProject(std::unique_ptr<Project> project)
{
    // Hand the widgets the new connection before the old one closes.
    std::unique_ptr<Project> previous = std::move(m_project);
    m_project = std::move(project);
    m_versionData.reset();
    m_galleryModel->setProject(m_project.get());
    m_neighbours->setProject(m_project.get());
    m_rater->setProject(m_project.get());
    m_labels->setProject(m_project.get());
    m_map->setProject(m_project.get());
    previous.reset();

    if (m_project) {
        addRecentProject(m_project->folder());
        setWindowTitle(tr("%1 — Likeness").arg(QFileInfo(m_project->folder()).fileName()));
    } else {
        setWindowTitle(tr("Likeness"));
    }
    updateStatus();
    updateActions();
}

void MainWindow::addRecentProject(const QString &folder)
{
    const QString path = QFileInfo(folder).absoluteFilePath();
    m_recentProjects.removeAll(path);
    m_recentProjects.prepend(path);
    while (m_recentProjects.size() > MaxRecentProjects) {
        m_recentProjects.removeLast();
    }
    updateRecentMenu();
}

void MainWindow::updateRecentMenu()
{
    m_recentMenu->clear();
    for (const QString &folder : std::as_const(m_recentProjects)) {
        QAction *action = m_recentMenu->addAction(QFileInfo(folder).fileName());
        action->setToolTip(QDir::toNativeSeparators(folder));
        connect(action, &QAction::triggered, this, [this, folder] { openProject(folder); });
    }
    m_recentMenu->setEnabled(!m_recentProjects.isEmpty() && !isBusy());
}

void MainWindow::updateActions()
{
    const bool idle = !isBusy();
    m_newAction->setEnabled(idle);
    m_openAction->setEnabled(idle);
    m_recentMenu->setEnabled(idle && !m_recentProjects.isEmpty());
    m_demoAction->setEnabled(idle);
    m_importAction->setEnabled(idle && m_project);
    m_trainAction->setEnabled(idle && m_project);
}

void MainWindow::updateStatus()
{
    if (!m_project) {
        m_gallery->setEmptyText(tr("No project open.\nFile → New Project… or File → Open "
                                   "Project…"));
        m_imagesLabel->clear();
        m_versionLabel->clear();
        return;
    }

    m_gallery->setEmptyText(tr("No images yet — File → Import Folder…"));
    m_imagesLabel->setText(tr("Images: %1").arg(QLocale().toString(m_galleryModel->rowCount())));
    m_imagesLabel->setToolTip(tr("Annotator: %1").arg(m_annotator));

    const int version = m_project->currentModelVersion();
    const std::optional<ModelVersionRecord> record = m_project->modelVersion(version);
    QStringList parts = {tr("Model version %1").arg(version)};
    if (record) {
        const QJsonValue knnAccuracy = record->metrics.value(QLatin1String("knn_accuracy"));
        const QJsonValue mapAtR = record->metrics.value(QLatin1String("map_at_r"));
        if (knnAccuracy.isDouble()) {
            parts.append(tr("kNN accuracy %1").arg(percent(knnAccuracy.toDouble())));
        }
        if (mapAtR.isDouble()) {
            parts.append(tr("MAP@R %1").arg(QLocale().toString(mapAtR.toDouble(), 'f', 3)));
        }
    }
    if (!m_versionData || m_versionData->version != version) {
        parts.append(tr("not loaded"));
    }
    m_versionLabel->setText(parts.join(QStringLiteral(" · ")));
    m_versionLabel->setToolTip(record ? tr("Backbone %1, created %2")
                                            .arg(record->backbone,
                                                 QLocale().toString(record->createdAt,
                                                                    QLocale::ShortFormat))
                                      : QString());
}

void MainWindow::reportJobFailure(const QString &what, const QString &error)
{
    if (m_jobBar->wasCanceled()) {
        statusBar()->showMessage(tr("%1 cancelled.").arg(what), StatusMessageMs);
        return;
    }
    qCWarning(lcGui) << what << "failed:" << error;
    QMessageBox::warning(this, tr("Likeness"), tr("%1 failed:\n%2").arg(what, error));
}

void MainWindow::saveScreenshotWhenIdle(const QString &path)
{
    auto *timer = new QTimer(this);
    const QDeadlineTimer settled(1500);
    connect(timer, &QTimer::timeout, this, [this, timer, settled, path] {
        if (isBusy() || !settled.hasExpired()) {
            return;
        }
        timer->stop();
        if (m_gallery->selectedImageIds().isEmpty() && m_galleryModel->rowCount() > 0) {
            m_gallery->selectImage(m_galleryModel->imageId(m_galleryModel->index(0)));
        }

        // Give the rater's full-size pictures a moment to arrive before the grab.
        QTimer::singleShot(800, this, [this, path] {
            if (!grab().save(path)) {
                qCWarning(lcGui) << "Could not save the screenshot to" << path;
            }
            close();
        });
    });
    timer->start(250);
}

} // namespace likeness
