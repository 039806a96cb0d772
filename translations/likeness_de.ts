<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>CommandLine</name>
    <message>
        <source>Curate image collections with triplet judgments, labels and neighbours.</source>
        <translation>Bildsammlungen mit Triplett-Urteilen, Labels und Nachbarn kuratieren.</translation>
    </message>
    <message>
        <source>Project folder to open.</source>
        <translation>Zu öffnender Projektordner.</translation>
    </message>
    <message>
        <source>Name stored with your judgments and labels (default: your user name).</source>
        <translation>Name, der mit Ihren Urteilen und Labels gespeichert wird (Vorgabe: Ihr Benutzername).</translation>
    </message>
    <message>
        <source>name</source>
        <translation>name</translation>
    </message>
    <message>
        <source>tab</source>
        <translation>reiter</translation>
    </message>
    <message>
        <source>Save a picture of the window to &lt;file&gt; once it is ready, then quit.</source>
        <translation>Ein Bild des Fensters in &lt;datei&gt; speichern, sobald es bereit ist, dann beenden.</translation>
    </message>
    <message>
        <source>file</source>
        <translation>datei</translation>
    </message>
    <message>
        <source>Likeness</source>
        <translation>Likeness</translation>
    </message>
    <message>
        <source>%1 is not a Likeness project folder.</source>
        <translation>%1 ist kein Likeness-Projektordner.</translation>
    </message>
    <message>
        <source>Tab to show first: neighbours, rate, labels or map.</source>
        <translation>Zuerst angezeigter Reiter: neighbours, rate, labels oder map.</translation>
    </message>
</context>
<context>
    <name>likeness::EmbeddingMap</name>
    <message>
        <source>PCA</source>
        <translation>PCA</translation>
    </message>
    <message>
        <source>t-SNE</source>
        <translation>t-SNE</translation>
    </message>
    <message>
        <source>PCA: the two directions in which the embeddings vary most; quick.
t-SNE: keeps similar images together; takes about a minute per 100,000 images.</source>
        <translation>PCA: die beiden Richtungen, in denen die Embeddings am stärksten streuen; schnell.
t-SNE: hält ähnliche Bilder beisammen; braucht etwa eine Minute je 100.000 Bilder.</translation>
    </message>
    <message>
        <source>Map layout</source>
        <translation>Kartenanordnung</translation>
    </message>
    <message>
        <source>Colour by label</source>
        <translation>Nach Label färben</translation>
    </message>
    <message>
        <source>Colour by annotator agreement</source>
        <translation>Nach Übereinstimmung der Annotatoren färben</translation>
    </message>
    <message>
        <source>Colour by change since previous version</source>
        <translation>Nach Änderung seit der vorigen Version färben</translation>
    </message>
    <message>
        <source>What the colour of a point tells</source>
        <translation>Was die Farbe eines Punktes bedeutet</translation>
    </message>
    <message>
        <source>Map colouring</source>
        <translation>Kartenfärbung</translation>
    </message>
    <message>
        <source>&amp;Lasso</source>
        <translation>&amp;Lasso</translation>
    </message>
    <message>
        <source>Select images by drawing around them (or hold Shift and drag); hold Ctrl to add to the selection</source>
        <translation>Bilder auswählen, indem Sie sie umkreisen (oder mit gedrückter Umschalttaste ziehen); mit Strg zur Auswahl hinzufügen</translation>
    </message>
    <message>
        <source>Show &amp;All</source>
        <translation>&amp;Alles zeigen</translation>
    </message>
    <message>
        <source>Zoom out to show every point (key 0)</source>
        <translation>Herauszoomen, bis alle Punkte zu sehen sind (Taste 0)</translation>
    </message>
    <message>
        <source>Map legend</source>
        <translation>Kartenlegende</translation>
    </message>
    <message>
        <source>What each colour stands for, with the number of images</source>
        <translation>Wofür jede Farbe steht, mit der Zahl der Bilder</translation>
    </message>
    <message>
        <source>No map yet.
Open a project and import images (File → Import Folder…): the map of the current model version is then computed in the background.</source>
        <translation>Noch keine Karte.
Öffnen Sie ein Projekt und importieren Sie Bilder (Datei → Ordner importieren…): Die Karte der aktuellen Modellversion wird dann im Hintergrund berechnet.</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>other labels</source>
        <translation>andere Labels</translation>
    </message>
    <message>
        <source>no label</source>
        <translation>kein Label</translation>
    </message>
    <message>
        <source>annotators disagree</source>
        <translation>Annotatoren uneinig</translation>
    </message>
    <message>
        <source>annotators agree</source>
        <translation>Annotatoren einig</translation>
    </message>
    <message>
        <source>judged by one annotator</source>
        <translation>von einem Annotator beurteilt</translation>
    </message>
    <message>
        <source>not judged</source>
        <translation>nicht beurteilt</translation>
    </message>
    <message>
        <source>no earlier version to compare with</source>
        <translation>keine frühere Version zum Vergleich</translation>
    </message>
    <message>
        <source>stayed (&lt; 10% of the map&apos;s radius)</source>
        <translation>geblieben (&lt; 10 % des Kartenradius)</translation>
    </message>
    <message>
        <source>moved a little (10–25%)</source>
        <translation>wenig bewegt (10–25 %)</translation>
    </message>
    <message>
        <source>moved (25–50%)</source>
        <translation>bewegt (25–50 %)</translation>
    </message>
    <message>
        <source>moved far (&gt; 50%)</source>
        <translation>weit bewegt (&gt; 50 %)</translation>
    </message>
    <message>
        <source>new since version %1</source>
        <translation>neu seit Version %1</translation>
    </message>
    <message>
        <source>%1 images · version %2 · %3</source>
        <translation>%1 Bilder · Version %2 · %3</translation>
    </message>
    <message>
        <source> · %1 selected</source>
        <translation> · %1 ausgewählt</translation>
    </message>
</context>
<context>
    <name>likeness::GalleryModel</name>
    <message>
        <source>%1
%2 × %3 pixels, %4</source>
        <translation>%1
%2 × %3 Pixel, %4</translation>
    </message>
    <message>
        <source>Not usable: %1</source>
        <translation>Nicht verwendbar: %1</translation>
    </message>
</context>
<context>
    <name>likeness::ImportReportDialog</name>
    <message>
        <source>Import Report</source>
        <translation>Importbericht</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>Save as CSV…</source>
        <translation>Als CSV speichern…</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) seen in %1 s.</source>
        <translation>
            <numerusform>%n Datei in %1 s gefunden.</numerusform>
            <numerusform>%n Dateien in %1 s gefunden.</numerusform>
        </translation>
    </message>
    <message>
        <source>Added: %1, updated: %2, unchanged: %3, moved: %4, duplicates: %5, deleted since the last import: %6.</source>
        <translation>Hinzugefügt: %1, aktualisiert: %2, unverändert: %3, verschoben: %4, Duplikate: %5, seit dem letzten Import gelöscht: %6.</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>No file was skipped.</source>
        <translation>Keine Datei wurde übersprungen.</translation>
    </message>
    <message>
        <source>Skipped: %1 (%2).</source>
        <translation>Übersprungen: %1 (%2).</translation>
    </message>
    <message>
        <source>The import was cancelled; import the folder again to finish it.</source>
        <translation>Der Import wurde abgebrochen; importieren Sie den Ordner erneut, um ihn abzuschließen.</translation>
    </message>
    <message>
        <source>Save Import Report</source>
        <translation>Importbericht speichern</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV-Dateien (*.csv)</translation>
    </message>
</context>
<context>
    <name>likeness::JobBar</name>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Stop the running job; the project stays as it was before it</source>
        <translation>Den laufenden Auftrag abbrechen; das Projekt bleibt, wie es vorher war</translation>
    </message>
    <message>
        <source>%1 — cancelling…</source>
        <translation>%1 — wird abgebrochen…</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
</context>
<context>
    <name>likeness::LabelEditor</name>
    <message>
        <source>Add a label and press Enter</source>
        <translation>Label eingeben und die Eingabetaste drücken</translation>
    </message>
    <message>
        <source>The label is added to every selected image</source>
        <translation>Das Label wird allen ausgewählten Bildern hinzugefügt</translation>
    </message>
    <message>
        <source>Could not add “%1”: %2</source>
        <translation>„%1“ konnte nicht hinzugefügt werden: %2</translation>
    </message>
    <message>
        <source>Could not remove “%1”: %2</source>
        <translation>„%1“ konnte nicht entfernt werden: %2</translation>
    </message>
    <message>
        <source>No project open.</source>
        <translation>Kein Projekt geöffnet.</translation>
    </message>
    <message>
        <source>Select images in the gallery to label them.</source>
        <translation>Wählen Sie in der Galerie Bilder aus, um ihnen Labels zuzuweisen.</translation>
    </message>
    <message>
        <source>No labels yet.</source>
        <translation>Noch keine Labels.</translation>
    </message>
    <message>
        <source>%1 (%2 of %3)</source>
        <translation>%1 (%2 von %3)</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Remove “%1” from the selected images</source>
        <translation>„%1“ von den ausgewählten Bildern entfernen</translation>
    </message>
    <message>
        <source>Remove %1</source>
        <translation>%1 entfernen</translation>
    </message>
    <message>
        <source>Labels of the selected image:</source>
        <translation>Labels des ausgewählten Bildes:</translation>
    </message>
    <message>
        <source>Labels of the %1 selected images:</source>
        <translation>Labels der %1 ausgewählten Bilder:</translation>
    </message>
    <message>
        <source>add label “%1”</source>
        <translation>Label „%1“ hinzufügen</translation>
    </message>
    <message>
        <source>remove label “%1”</source>
        <translation>Label „%1“ entfernen</translation>
    </message>
</context>
<context>
    <name>likeness::MainWindow</name>
    <message>
        <source>Open Project</source>
        <translation>Projekt öffnen</translation>
    </message>
    <message>
        <source>%1 is not a Likeness project folder.</source>
        <translation>%1 ist kein Likeness-Projektordner.</translation>
    </message>
    <message>
        <source>Could not open %1:
%2</source>
        <translation>%1 konnte nicht geöffnet werden:
%2</translation>
    </message>
    <message>
        <source>&amp;New Project…</source>
        <translation>&amp;Neues Projekt…</translation>
    </message>
    <message>
        <source>Create an empty project folder</source>
        <translation>Einen leeren Projektordner anlegen</translation>
    </message>
    <message>
        <source>&amp;Open Project…</source>
        <translation>Projekt ö&amp;ffnen…</translation>
    </message>
    <message>
        <source>Open an existing project folder</source>
        <translation>Einen vorhandenen Projektordner öffnen</translation>
    </message>
    <message>
        <source>&amp;Import Folder…</source>
        <translation>Ordner &amp;importieren…</translation>
    </message>
    <message>
        <source>Add every image in a folder and its subfolders</source>
        <translation>Alle Bilder eines Ordners und seiner Unterordner hinzufügen</translation>
    </message>
    <message>
        <source>Create &amp;Demo Project…</source>
        <translation>&amp;Demoprojekt erstellen…</translation>
    </message>
    <message>
        <source>Create a project from Fashion-MNIST images with labels and train a first model on it</source>
        <translation>Ein Projekt aus Fashion-MNIST-Bildern mit Labels erstellen und darauf ein erstes Modell trainieren</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>Close the window and quit Likeness</source>
        <translation>Das Fenster schließen und Likeness beenden</translation>
    </message>
    <message>
        <source>&amp;Annotator Name…</source>
        <translation>Name des &amp;Annotators…</translation>
    </message>
    <message>
        <source>The name stored with your judgments and labels</source>
        <translation>Der Name, der mit Ihren Urteilen und Labels gespeichert wird</translation>
    </message>
    <message>
        <source>&amp;Train</source>
        <translation>&amp;Trainieren</translation>
    </message>
    <message>
        <source>Train a new model version on the labels and judgments; the current version stays live until the new one is ready</source>
        <translation>Eine neue Modellversion auf den Labels und Urteilen trainieren; die aktuelle Version bleibt in Gebrauch, bis die neue fertig ist</translation>
    </message>
    <message>
        <source>&amp;About Likeness</source>
        <translation>&amp;Über Likeness</translation>
    </message>
    <message>
        <source>Version and libraries</source>
        <translation>Version und Bibliotheken</translation>
    </message>
    <message>
        <source>Neighbours</source>
        <translation>Nachbarn</translation>
    </message>
    <message>
        <source>Rate Triplets</source>
        <translation>Tripletts bewerten</translation>
    </message>
    <message>
        <source>Labels</source>
        <translation>Labels</translation>
    </message>
    <message>
        <source>The most similar images to the current one</source>
        <translation>Die dem aktuellen Bild ähnlichsten Bilder</translation>
    </message>
    <message>
        <source>Tell which of two images is more similar to a third one; keys 1, 2, T, S</source>
        <translation>Angeben, welches von zwei Bildern einem dritten ähnlicher ist; Tasten 1, 2, T, S</translation>
    </message>
    <message>
        <source>Add and remove labels of the selected images</source>
        <translation>Labels der ausgewählten Bilder hinzufügen und entfernen</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>&amp;Zuletzt geöffnet</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Rückgängig:</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>Wiederherstellen:</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <source>&amp;Model</source>
        <translation>&amp;Modell</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>Quit Likeness</source>
        <translation>Likeness beenden</translation>
    </message>
    <message>
        <source>“%1” is still running. Cancel it and quit?</source>
        <translation>„%1“ läuft noch. Abbrechen und beenden?</translation>
    </message>
    <message>
        <source>New Project</source>
        <translation>Neues Projekt</translation>
    </message>
    <message>
        <source>Could not create a project in %1:
%2</source>
        <translation>In %1 konnte kein Projekt angelegt werden:
%2</translation>
    </message>
    <message>
        <source>Created %1</source>
        <translation>%1 angelegt</translation>
    </message>
    <message>
        <source>Import Folder</source>
        <translation>Ordner importieren</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>Der Import</translation>
    </message>
    <message>
        <source>Import finished: %1 added, %2 updated, %3 unchanged, %4 skipped.</source>
        <translation>Import abgeschlossen: %1 hinzugefügt, %2 aktualisiert, %3 unverändert, %4 übersprungen.</translation>
    </message>
    <message>
        <source>Importing %1</source>
        <translation>%1 wird importiert</translation>
    </message>
    <message>
        <source>Create Demo Project</source>
        <translation>Demoprojekt erstellen</translation>
    </message>
    <message>
        <source>The demo needs the Fashion-MNIST images in %1 (Debian package dataset-fashion-mnist).</source>
        <translation>Die Demo benötigt die Fashion-MNIST-Bilder in %1 (Debian-Paket dataset-fashion-mnist).</translation>
    </message>
    <message>
        <source>Number of Fashion-MNIST images:</source>
        <translation>Anzahl der Fashion-MNIST-Bilder:</translation>
    </message>
    <message>
        <source>Demo Project Folder</source>
        <translation>Ordner für das Demoprojekt</translation>
    </message>
    <message>
        <source>Demo project ready: %1 images, model version %2.</source>
        <translation>Demoprojekt bereit: %1 Bilder, Modellversion %2.</translation>
    </message>
    <message>
        <source>Creating the demo project</source>
        <translation>Das Erstellen des Demoprojekts</translation>
    </message>
    <message>
        <source>Creating demo project</source>
        <translation>Demoprojekt wird erstellt</translation>
    </message>
    <message>
        <source>Model version %1 trained in %2 s on %3.</source>
        <translation>Modellversion %1 in %2 s auf %3 trainiert.</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Das Training</translation>
    </message>
    <message>
        <source>Loading the model version</source>
        <translation>Das Laden der Modellversion</translation>
    </message>
    <message>
        <source>Loading model version %1</source>
        <translation>Modellversion %1 wird geladen</translation>
    </message>
    <message>
        <source>Annotator Name</source>
        <translation>Name des Annotators</translation>
    </message>
    <message>
        <source>Name stored with your judgments and labels:</source>
        <translation>Name, der mit Ihren Urteilen und Labels gespeichert wird:</translation>
    </message>
    <message>
        <source>About Likeness</source>
        <translation>Über Likeness</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Likeness %1&lt;/h3&gt;&lt;p&gt;Curate image collections with human triplet judgments, labels and nearest neighbours.&lt;/p&gt;&lt;p&gt;%2&lt;br&gt;Training device: %3&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Likeness %1&lt;/h3&gt;&lt;p&gt;Bildsammlungen mit menschlichen Triplett-Urteilen, Labels und nächsten Nachbarn kuratieren.&lt;/p&gt;&lt;p&gt;%2&lt;br&gt;Trainingsgerät: %3&lt;/p&gt;</translation>
    </message>
    <message>
        <source>%1 — Likeness</source>
        <translation>%1 — Likeness</translation>
    </message>
    <message>
        <source>Likeness</source>
        <translation>Likeness</translation>
    </message>
    <message>
        <source>No project open.
File → New Project… or File → Open Project…</source>
        <translation>Kein Projekt geöffnet.
Datei → Neues Projekt… oder Datei → Projekt öffnen…</translation>
    </message>
    <message>
        <source>No images yet — File → Import Folder…</source>
        <translation>Noch keine Bilder — Datei → Ordner importieren…</translation>
    </message>
    <message>
        <source>Annotator: %1</source>
        <translation>Annotator: %1</translation>
    </message>
    <message>
        <source>Model version %1</source>
        <translation>Modellversion %1</translation>
    </message>
    <message>
        <source>kNN accuracy %1</source>
        <translation>kNN-Genauigkeit %1</translation>
    </message>
    <message>
        <source>MAP@R %1</source>
        <translation>MAP@R %1</translation>
    </message>
    <message>
        <source>not loaded</source>
        <translation>nicht geladen</translation>
    </message>
    <message>
        <source>Backbone %1, created %2</source>
        <translation>Backbone %1, erstellt am %2</translation>
    </message>
    <message>
        <source>%1 cancelled.</source>
        <translation>%1 wurde abgebrochen.</translation>
    </message>
    <message>
        <source>%1 failed:
%2</source>
        <translation>%1 ist fehlgeschlagen:
%2</translation>
    </message>
    <message>
        <source>Images: %1</source>
        <translation>Bilder: %1</translation>
    </message>
    <message>
        <source>Training a new model version</source>
        <translation>Neue Modellversion wird trainiert</translation>
    </message>
    <message>
        <source>Model version %1 scored worse on the held-out images than version %2, so version %2 stays current.</source>
        <translation>Modellversion %1 schnitt auf den zurückgehaltenen Bildern schlechter ab als Version %2, daher bleibt Version %2 aktuell.</translation>
    </message>
    <message>
        <source>Take back the last answer or label change</source>
        <translation>Letzte Antwort oder Label-Änderung zurücknehmen</translation>
    </message>
    <message>
        <source>Make the answer or label change you took back again</source>
        <translation>Zurückgenommene Antwort oder Label-Änderung wiederherstellen</translation>
    </message>
    <message>
        <source>Map</source>
        <translation>Karte</translation>
    </message>
    <message>
        <source>All images on a plane, similar ones close together; lasso images to label them</source>
        <translation>Alle Bilder auf einer Ebene, ähnliche nah beieinander; Bilder mit dem Lasso auswählen, um sie zu labeln</translation>
    </message>
    <message>
        <source>No map: %1</source>
        <translation>Keine Karte: %1</translation>
    </message>
    <message>
        <source>Computing the map of model version %1…</source>
        <translation>Die Karte der Modellversion %1 wird berechnet…</translation>
    </message>
    <message>
        <source>Computing the map</source>
        <translation>Karte berechnen</translation>
    </message>
    <message>
        <source>%1 does not exist. Create a project with File → New Project….</source>
        <translation>%1 gibt es nicht. Ein Projekt legen Sie mit Datei → Neues Projekt… an.</translation>
    </message>
    <message>
        <source>%1

Open it read-only to browse it? Nothing can be changed until the other program has closed it.</source>
        <translation>%1

Nur lesend öffnen, um es anzusehen? Ändern lässt sich nichts, bis das andere Programm es geschlossen hat.</translation>
    </message>
    <message>
        <source>Opened read-only: another program is writing to it.</source>
        <translation>Nur lesend geöffnet: ein anderes Programm schreibt hinein.</translation>
    </message>
</context>
<context>
    <name>likeness::MapCanvas</name>
    <message>
        <source>Embedding map</source>
        <translation>Embedding-Karte</translation>
    </message>
    <message>
        <source>Every image as a point; similar images lie close together. Arrow keys pan, + and - zoom, 0 shows everything, Shift+drag selects with a lasso, Escape clears the selection.</source>
        <translation>Jedes Bild als Punkt; ähnliche Bilder liegen nah beieinander. Pfeiltasten verschieben, + und - zoomen, 0 zeigt alles, Umschalt+Ziehen wählt mit dem Lasso aus, Escape hebt die Auswahl auf.</translation>
    </message>
    <message>
        <source>Drag to pan, turn the wheel to zoom, Shift+drag to select</source>
        <translation>Ziehen zum Verschieben, Mausrad zum Zoomen, Umschalt+Ziehen zum Auswählen</translation>
    </message>
    <message>
        <source>Image %1</source>
        <translation>Bild %1</translation>
    </message>
    <message>
        <source>Image %1 — %2</source>
        <translation>Bild %1 — %2</translation>
    </message>
</context>
<context>
    <name>likeness::NeighbourView</name>
    <message>
        <source>Show </source>
        <translation>Zeige </translation>
    </message>
    <message>
        <source>How many neighbours to show</source>
        <translation>Wie viele Nachbarn angezeigt werden</translation>
    </message>
    <message>
        <source>Double-click a neighbour to select it in the gallery</source>
        <translation>Doppelklick auf einen Nachbarn wählt ihn in der Galerie aus</translation>
    </message>
    <message>
        <source>No project open.</source>
        <translation>Kein Projekt geöffnet.</translation>
    </message>
    <message>
        <source>Select an image in the gallery to see its nearest neighbours.</source>
        <translation>Wählen Sie in der Galerie ein Bild aus, um seine nächsten Nachbarn zu sehen.</translation>
    </message>
    <message>
        <source>Neighbours of %1</source>
        <translation>Nachbarn von %1</translation>
    </message>
    <message>
        <source>No model version loaded yet. Neighbours appear once it is ready.</source>
        <translation>Noch keine Modellversion geladen. Die Nachbarn erscheinen, sobald sie bereit ist.</translation>
    </message>
    <message>
        <source>Neighbours of %1 under model version %2</source>
        <translation>Nachbarn von %1 unter Modellversion %2</translation>
    </message>
    <message>
        <source>This image has no neighbours: %1</source>
        <translation>Dieses Bild hat keine Nachbarn: %1</translation>
    </message>
    <message>
        <source>This image has no neighbours yet.</source>
        <translation>Dieses Bild hat noch keine Nachbarn.</translation>
    </message>
    <message>
        <source>%1
similarity %2</source>
        <translation>%1
Ähnlichkeit %2</translation>
    </message>
    <message>
        <source>More like this</source>
        <translation>Mehr davon</translation>
    </message>
    <message>
        <source>Not like this</source>
        <translation>Nicht so</translation>
    </message>
    <message>
        <source>Record that the selected neighbour is more similar to the image than the least similar one shown</source>
        <translation>Festhalten, dass der gewählte Nachbar dem Bild ähnlicher ist als der unähnlichste angezeigte</translation>
    </message>
    <message>
        <source>Record that the most similar other neighbour shown is more similar to the image than the selected one</source>
        <translation>Festhalten, dass der ähnlichste andere angezeigte Nachbar dem Bild ähnlicher ist als der gewählte</translation>
    </message>
    <message>
        <source>already in a judgment with this image</source>
        <translation>schon in einem Urteil mit diesem Bild</translation>
    </message>
</context>
<context>
    <name>likeness::TripletRater</name>
    <message>
        <source>first</source>
        <translation>erstes</translation>
    </message>
    <message>
        <source>second</source>
        <translation>zweites</translation>
    </message>
    <message>
        <source>can&apos;t tell</source>
        <translation>nicht entscheidbar</translation>
    </message>
    <message>
        <source>skip</source>
        <translation>übersprungen</translation>
    </message>
    <message>
        <source>← First (1)</source>
        <translation>← Erstes (1)</translation>
    </message>
    <message>
        <source>Can&apos;t tell (T)</source>
        <translation>Weiß nicht (T)</translation>
    </message>
    <message>
        <source>Skip (S)</source>
        <translation>Überspringen (S)</translation>
    </message>
    <message>
        <source>Second (2) →</source>
        <translation>Zweites (2) →</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Rückgängig</translation>
    </message>
    <message>
        <source>Anchor</source>
        <translation>Anker</translation>
    </message>
    <message>
        <source>1 · First candidate</source>
        <translation>1 · Erster Kandidat</translation>
    </message>
    <message>
        <source>2 · Second candidate</source>
        <translation>2 · Zweiter Kandidat</translation>
    </message>
    <message>
        <source>Click, press 1 or Left if this one is more similar to the anchor</source>
        <translation>Klicken oder 1 bzw. Pfeil links drücken, wenn dieses Bild dem Anker ähnlicher ist</translation>
    </message>
    <message>
        <source>Click, press 2 or Right if this one is more similar to the anchor</source>
        <translation>Klicken oder 2 bzw. Pfeil rechts drücken, wenn dieses Bild dem Anker ähnlicher ist</translation>
    </message>
    <message>
        <source>The first candidate is more similar to the anchor (1 or Left)</source>
        <translation>Der erste Kandidat ist dem Anker ähnlicher (1 oder Pfeil links)</translation>
    </message>
    <message>
        <source>Both are equally similar, or you cannot tell (T or 0)</source>
        <translation>Beide sind gleich ähnlich, oder Sie können es nicht sagen (T oder 0)</translation>
    </message>
    <message>
        <source>Skip this triplet, e.g. when an image is broken (S)</source>
        <translation>Dieses Triplett überspringen, z. B. wenn ein Bild defekt ist (S)</translation>
    </message>
    <message>
        <source>The second candidate is more similar to the anchor (2 or Right)</source>
        <translation>Der zweite Kandidat ist dem Anker ähnlicher (2 oder Pfeil rechts)</translation>
    </message>
    <message>
        <source>Take back the last answer (Ctrl+Z or Backspace)</source>
        <translation>Die letzte Antwort zurücknehmen (Strg+Z oder Rücktaste)</translation>
    </message>
    <message>
        <source>Which candidate is more similar to the anchor?</source>
        <translation>Welcher Kandidat ist dem Anker ähnlicher?</translation>
    </message>
    <message>
        <source>No project open.</source>
        <translation>Kein Projekt geöffnet.</translation>
    </message>
    <message>
        <source>Rating needs at least three usable images.
Add some with File → Import Folder…</source>
        <translation>Zum Bewerten braucht es mindestens drei verwendbare Bilder.
Fügen Sie welche über Datei → Ordner importieren… hinzu.</translation>
    </message>
    <message>
        <source>No preview</source>
        <translation>Keine Vorschau</translation>
    </message>
    <message>
        <source>Could not store the answer: %1</source>
        <translation>Die Antwort konnte nicht gespeichert werden: %1</translation>
    </message>
    <message>
        <source>Could not take back the answer: %1</source>
        <translation>Die Antwort konnte nicht zurückgenommen werden: %1</translation>
    </message>
    <message>
        <source>Could not restore the answer: %1</source>
        <translation>Die Antwort konnte nicht wiederhergestellt werden: %1</translation>
    </message>
    <message>
        <source>Answers this session: %1 · Judgments in the project: %2</source>
        <translation>Antworten in dieser Sitzung: %1 · Urteile im Projekt: %2</translation>
    </message>
    <message>
        <source>judgment “%1”</source>
        <translation>Urteil „%1“</translation>
    </message>
</context>
</TS>
