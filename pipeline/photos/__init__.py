"""The photo library (photothèque): photos with their credits, rights and alt texts, used in pages while rights hold.

Photos stored once under their content hash, their metadata and rights in the drafts database, web renditions
without personal metadata, duplicate detection, rights status.

model.py (the Photo and its rights), probe.py (opening a file safely, what it already says), renditions.py, dupes.py
(near copies), library.py (the store and the import), csvmeta.py (the metadata CSV), pick.py (photos for a page)."""
