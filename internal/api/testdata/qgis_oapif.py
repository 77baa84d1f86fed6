"""Loads an OGC API - Features collection through QGIS's OAPIF provider,
headless, and prints what QGIS sees: the layer's CRS, feature count and
fields, then per feature its reserve, kind, area_ha attribute, WKB type and
ellipsoidal area (ha, WGS 84) as QGIS measures it.

Usage: python3 qgis_oapif.py URL-OF-/ogc COLLECTION
"""
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import QgsApplication, QgsDistanceArea, QgsProject, QgsVectorLayer  # noqa: E402

app = QgsApplication([], False)
app.initQgis()
url, name = sys.argv[1], sys.argv[2]
layer = QgsVectorLayer("url='%s' typename='%s' restrictToRequestBBOX='0' pagingEnabled='true'" % (url, name), name, "OAPIF")
if not layer.isValid():
    print("invalid layer:", layer.error().summary())
    sys.stdout.flush()
    os._exit(2)
da = QgsDistanceArea()
da.setSourceCrs(layer.crs(), QgsProject.instance().transformContext())
da.setEllipsoid("EPSG:7030")
names = layer.fields().names()
print("layer", layer.crs().authid(), layer.featureCount(), ",".join(names))
for f in layer.getFeatures():
    g = f.geometry()
    area = da.measureArea(g) / 10000 if g.type() == 2 else 0
    print("feature", f["reserve"], f["kind"], f["area_ha"] if "area_ha" in names else 0, int(g.wkbType()), area)
sys.stdout.flush()
# QgsApplication.exitQgis() crashes in headless Python on QGIS 3.22; the
# process holds nothing that needs closing.
os._exit(0)
