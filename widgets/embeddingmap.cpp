#include "embeddingmap.h"

#include "guilogging.h"
#include "mapcanvas.h"
#include "store/project.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QPainter>
#include <QStackedWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <iterator>

namespace likeness {

namespace {

constexpr int ThumbnailTileSide = 48;

// Ten colours that stay apart for most forms of colour blindness (Tableau 10 with a cyan for
// its grey), then the greys for "other" and "none".
const QVector<QColor> &categoryColours()
{
    static const QVector<QColor> colours = {
        QColor(0x4e79a7), QColor(0xf28e2b), QColor(0xe15759), QColor(0x76b7b2),
        QColor(0x59a14f), QColor(0xedc948), QColor(0xb07aa1), QColor(0xff9da7),
        QColor(0x9c755f), QColor(0x17becf), QColor(0x6f6f6f), QColor(0xc8c8c8)};
    return colours;
}

constexpr int OtherColour = EmbeddingMap::TopLabels;    // index in categoryColours()
constexpr int NoneColour = EmbeddingMap::TopLabels + 1; // index in categoryColours()

QIcon swatch(const QColor &colour)
{
    QPixmap pixmap(14, 14);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(colour.darker(140));
    painter.setBrush(colour);
    painter.drawEllipse(QRectF(1.5, 1.5, 11, 11));
    return QIcon(pixmap);
}

struct TripletKey
{
    qint64 anchor = 0;
    qint64 low = 0;
    qint64 high = 0;
    bool operator==(const TripletKey &other) const = default;
};

size_t qHash(const TripletKey &key, size_t seed = 0)
{
    return qHashMulti(seed, key.anchor, key.low, key.high);
}

} // namespace

EmbeddingMap::EmbeddingMap(QWidget *parent)
    : QWidget(parent)
    , m_thumbnails(ThumbnailTileSide)
{
    m_method = new QComboBox;
    m_method->addItem(tr("PCA"), int(ProjectionMethod::Pca));
    m_method->addItem(tr("t-SNE"), int(ProjectionMethod::Tsne));
    m_method->setToolTip(tr("PCA: the two directions in which the embeddings vary most; "
                            "quick.\nt-SNE: keeps similar images together; takes about a "
                            "minute per 100,000 images."));
    m_method->setAccessibleName(tr("Map layout"));

    m_colouring = new QComboBox;
    m_colouring->addItem(tr("Colour by label"), int(Colouring::Labels));
    m_colouring->addItem(tr("Colour by annotator agreement"), int(Colouring::Agreement));
    m_colouring->addItem(tr("Colour by change since previous version"),
                         int(Colouring::Change));
    m_colouring->setToolTip(tr("What the colour of a point tells"));
    m_colouring->setAccessibleName(tr("Map colouring"));

    m_lasso = new QToolButton;
    m_lasso->setText(tr("&Lasso"));
    m_lasso->setCheckable(true);
    m_lasso->setObjectName(QStringLiteral("lassoButton"));
    m_lasso->setToolTip(tr("Select images by drawing around them (or hold Shift and drag); "
                           "hold Ctrl to add to the selection"));
    m_fit = new QToolButton;
    m_fit->setText(tr("Show &All"));
    m_fit->setToolTip(tr("Zoom out to show every point (key 0)"));
    m_info = new QLabel;
    m_info->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *tools = new QHBoxLayout;
    tools->addWidget(m_method);
    tools->addWidget(m_colouring);
    tools->addWidget(m_lasso);
    tools->addWidget(m_fit);
    tools->addStretch(1);
    tools->addWidget(m_info);

    m_message = new QLabel;
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    m_message->setObjectName(QStringLiteral("message"));
    m_message->setMargin(24);
    m_canvas = new MapCanvas;
    m_canvas->setThumbnailCache(&m_thumbnails);
    m_stack = new QStackedWidget;
    m_stack->addWidget(m_message);
    m_stack->addWidget(m_canvas);

    m_legend = new QListWidget;
    m_legend->setObjectName(QStringLiteral("legend"));
    m_legend->setAccessibleName(tr("Map legend"));
    m_legend->setToolTip(tr("What each colour stands for, with the number of images"));
    m_legend->setSelectionMode(QAbstractItemView::NoSelection);
    m_legend->setFocusPolicy(Qt::NoFocus);
    m_legend->setMaximumWidth(240);

    auto *body = new QHBoxLayout;
    body->addWidget(m_stack, 1);
    body->addWidget(m_legend);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(tools);
    layout->addLayout(body, 1);

    connect(m_method, &QComboBox::activated, this, [this] {
        if (!m_map || m_map->projection.method != method()) {
            Q_EMIT methodChanged(method());
        }
    });
    connect(m_colouring, &QComboBox::activated, this, &EmbeddingMap::refreshColours);
    connect(m_lasso, &QToolButton::toggled, m_canvas, &MapCanvas::setLassoMode);
    connect(m_fit, &QToolButton::clicked, m_canvas, &MapCanvas::fitAll);
    connect(m_canvas, &MapCanvas::selectionChanged, this, [this](const QVector<qint64> &ids) {
        updateInfo();
        Q_EMIT selectionChanged(ids);
    });

    showMessage(tr("No map yet.\nOpen a project and import images (File → Import Folder…): "
                   "the map of the current model version is then computed in the "
                   "background."));
}

EmbeddingMap::~EmbeddingMap() = default;

void EmbeddingMap::setProject(const Project *project)
{
    m_project = project;
    m_thumbnails.setProject(project);
    setVersionMap(nullptr);
}

void EmbeddingMap::setVersionMap(std::shared_ptr<const VersionMap> map)
{
    m_map = map && map->projection.rows() > 0 ? std::move(map) : nullptr;
    if (!m_map) {
        m_canvas->setPoints(nullptr);
        m_legend->clear();
        m_info->clear();
        m_stack->setCurrentWidget(m_message);
        return;
    }

    m_method->setCurrentIndex(m_method->findData(int(m_map->projection.method)));
    m_canvas->setPoints(MapPoints::build(m_map->projection.ids, m_map->projection.xy));
    refreshColours();
    m_stack->setCurrentWidget(m_canvas);
    updateInfo();
}

void EmbeddingMap::showMessage(const QString &text)
{
    m_message->setText(text);
    m_stack->setCurrentWidget(m_message);
}

QString EmbeddingMap::message() const
{
    return m_message->text();
}

bool EmbeddingMap::isShowingMap() const
{
    return m_stack->currentWidget() == m_canvas;
}

ProjectionMethod EmbeddingMap::method() const
{
    return ProjectionMethod(m_method->currentData().toInt());
}

EmbeddingMap::Colouring EmbeddingMap::colouring() const
{
    return Colouring(m_colouring->currentData().toInt());
}

void EmbeddingMap::setColouring(Colouring colouring)
{
    m_colouring->setCurrentIndex(m_colouring->findData(int(colouring)));
    refreshColours();
}

QStringList EmbeddingMap::legendEntries() const
{
    QStringList entries;
    for (int i = 0; i < m_legend->count(); ++i) {
        entries.append(m_legend->item(i)->text());
    }
    return entries;
}

void EmbeddingMap::refreshColours()
{
    if (!m_map) {
        return;
    }

    std::vector<quint8> categories(size_t(m_map->projection.rows()), 0);
    QStringList names;
    QVector<int> colours; // per category, an index into categoryColours()
    switch (colouring()) {
    case Colouring::Labels:
        colourByLabels(categories, names, colours);
        break;
    case Colouring::Agreement:
        colourByAgreement(categories, names, colours);
        break;
    case Colouring::Change:
        colourByChange(categories, names, colours);
        break;
    }

    // The legend lists only the colours in use, each with its number of images.
    std::vector<qint64> perCategory(size_t(names.size()), 0);
    for (quint8 category : categories) {
        ++perCategory[std::min<size_t>(category, perCategory.size() - 1)];
    }
    QVector<QColor> palette;
    m_legend->clear();
    for (int i = 0; i < names.size(); ++i) {
        palette.append(categoryColours().value(colours.value(i, i)));
        if (perCategory[size_t(i)] == 0) {
            continue;
        }
        auto *item = new QListWidgetItem(swatch(palette.last()),
                                         tr("%1 (%2)").arg(names[i],
                                                           QLocale().toString(
                                                               perCategory[size_t(i)])));
        m_legend->addItem(item);
    }
    m_canvas->setCategories(std::move(categories), palette, names);
}

void EmbeddingMap::colourByLabels(std::vector<quint8> &categories, QStringList &names,
                                  QVector<int> &colours)
{
    // The most frequent labels get a colour each, in order of frequency.
    QVector<LabelRecord> labels = m_project ? m_project->labels() : QVector<LabelRecord>();
    std::stable_sort(labels.begin(), labels.end(), [](const auto &a, const auto &b) {
        return a.imageCount > b.imageCount;
    });
    QHash<qint64, int> rank;
    for (const LabelRecord &label : std::as_const(labels)) {
        if (rank.size() == TopLabels || label.imageCount == 0) {
            break;
        }
        rank.insert(label.id, int(rank.size()));
        names.append(label.name);
        colours.append(int(rank.size()) - 1);
    }
    const int other = int(names.size());
    names << tr("other labels") << tr("no label");
    colours << OtherColour << NoneColour;
    std::fill(categories.begin(), categories.end(), quint8(other + 1));

    // Assignments come ordered by image id, as the map's rows are: walk both together.
    const QVector<qint64> &ids = m_map->projection.ids;
    const QVector<QPair<qint64, qint64>> assignments = m_project
                                                           ? m_project->labelAssignments()
                                                           : QVector<QPair<qint64, qint64>>();
    qsizetype row = 0;
    for (const auto &[imageId, labelId] : assignments) {
        while (row < ids.size() && ids[row] < imageId) {
            ++row;
        }
        if (row == ids.size()) {
            break;
        }
        if (ids[row] != imageId) {
            continue;
        }
        const int category = rank.value(labelId, other);
        categories[size_t(row)] = quint8(std::min<int>(categories[size_t(row)], category));
    }
}

void EmbeddingMap::colourByAgreement(std::vector<quint8> &categories, QStringList &names,
                                     QVector<int> &colours)
{
    names << tr("annotators disagree") << tr("annotators agree")
          << tr("judged by one annotator") << tr("not judged");
    colours << 2 << 4 << 0 << NoneColour;
    const QHash<qint64, quint8> byImage
        = agreementCategories(m_project ? m_project->judgments() : QVector<Judgment>());
    const QVector<qint64> &ids = m_map->projection.ids;
    for (qsizetype row = 0; row < ids.size(); ++row) {
        categories[size_t(row)] = byImage.value(ids[row], 3);
    }
}

void EmbeddingMap::colourByChange(std::vector<quint8> &categories, QStringList &names,
                                  QVector<int> &colours)
{
    if (m_map->displacement.isEmpty()) {
        names << tr("no earlier version to compare with");
        colours << NoneColour;
        std::fill(categories.begin(), categories.end(), quint8(0));
        return;
    }

    // Distances are in units of the map's root-mean-square radius (see VersionMap).
    static constexpr float Limits[] = {0.1f, 0.25f, 0.5f};
    names << tr("stayed (< 10% of the map's radius)") << tr("moved a little (10–25%)")
          << tr("moved (25–50%)") << tr("moved far (> 50%)")
          << tr("new since version %1").arg(m_map->previousVersion);
    colours << NoneColour << 0 << 1 << 2 << 6;
    for (qsizetype row = 0; row < m_map->displacement.size(); ++row) {
        const float moved = m_map->displacement[row];
        const auto bin = std::isnan(moved)
                             ? std::size(Limits) + 1
                             : size_t(std::upper_bound(std::begin(Limits), std::end(Limits),
                                                       moved)
                                      - std::begin(Limits));
        categories[size_t(row)] = quint8(bin);
    }
}

void EmbeddingMap::updateInfo()
{
    if (!m_map) {
        m_info->clear();
        return;
    }
    const QLocale locale;
    const QString layout = m_method->itemText(m_method->findData(int(m_map->projection.method)));
    QString text = tr("%1 images · version %2 · %3")
                       .arg(locale.toString(m_map->projection.rows()))
                       .arg(m_map->projection.version)
                       .arg(layout);
    const qsizetype selected = m_canvas->selectedIds().size();
    if (selected > 0) {
        text += tr(" · %1 selected").arg(locale.toString(selected));
    }
    m_info->setText(text);
}

QHash<qint64, quint8> EmbeddingMap::agreementCategories(const QVector<Judgment> &judgments)
{
    // Each annotator's last answer per triplet, with the candidates in ascending id order.
    QHash<TripletKey, QHash<QString, Choice>> answers;
    for (const Judgment &judgment : judgments) {
        if (judgment.choice == Choice::Skip) {
            continue;
        }
        const bool swapped = judgment.firstId > judgment.secondId;
        Choice choice = judgment.choice;
        if (swapped && choice != Choice::Tie) {
            choice = choice == Choice::First ? Choice::Second : Choice::First;
        }
        const TripletKey key{judgment.anchorId, std::min(judgment.firstId, judgment.secondId),
                             std::max(judgment.firstId, judgment.secondId)};
        answers[key].insert(judgment.annotator, choice);
    }

    QHash<qint64, quint8> byImage;
    for (auto it = answers.cbegin(); it != answers.cend(); ++it) {
        const QList<Choice> choices = it.value().values();
        quint8 category = 2;
        if (choices.size() > 1) {
            const bool agree = std::all_of(choices.cbegin(), choices.cend(), [&](Choice c) {
                return c == choices.constFirst();
            });
            category = agree ? 1 : 0;
        }
        for (qint64 image : {it.key().anchor, it.key().low, it.key().high}) {
            const quint8 previous = byImage.value(image, 3);
            byImage.insert(image, std::min(previous, category));
        }
    }
    return byImage;
}

} // namespace likeness
