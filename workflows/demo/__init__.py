"""The demo province: who it is (``province``), its workbook (``workbook``), the
builder its story is written with (``script``), its five months (``story``)
and the replay that loads it through the importer and the services (``replay``)."""
