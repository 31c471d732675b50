"""One history row per save, with the row's many-to-many links as saved.

django-simple-history writes a history row on a row's save, then one more for each change of a
many-to-many field it keeps (`m2m_fields`): a save that sets the row and then its links would
leave a first row with the old links. Saves that set links (the one write path of activities,
the admin's saves of users and groups) save under simple-history's own switch
(`skip_history_when_saving`) and then write the one row of the final state here, with its
documented `bulk_history_create`, copying the links beside it.
"""

HISTORY_BATCH = 500  # rows per query, within SQLite's limit on parameters


def record_history(rows, user, reason="", created=False):
    """Write one history row for each of `rows` (all of one model), with its fields and its
    links as saved now, by `user`, with `reason` when given; `created`: the rows were just
    created. A few queries, whatever their number."""
    if not rows:
        return
    model = type(rows[0])
    history_model = model.history.model
    records = model.history.bulk_history_create(
        rows,
        batch_size=HISTORY_BATCH,
        update=not created,
        default_user=user,
        default_change_reason=reason,
    )
    pk_name = model._meta.pk.attname
    if records and records[0].pk is None:  # a database that does not return the new ids
        records = _saved(history_model, pk_name, records)
    history_of = {getattr(record, pk_name): record.pk for record in records}
    ids = list(history_of)
    for field in model._meta.many_to_many:
        if not hasattr(history_model, field.name):  # a link the history does not keep
            continue
        through = field.remote_field.through
        source = field.m2m_field_name() + "_id"
        link_history_model = getattr(history_model, field.name).model
        names = [through_field.attname for through_field in through._meta.fields]
        links = []
        for start in range(0, len(ids), HISTORY_BATCH):
            chunk = ids[start : start + HISTORY_BATCH]
            for values in through.objects.filter(**{f"{source}__in": chunk}).values(*names):
                links.append(link_history_model(history_id=history_of[values[source]], **values))
        link_history_model.objects.bulk_create(links, batch_size=HISTORY_BATCH)


def _saved(history_model, pk_name, records):
    """`records` (history rows just inserted, without their ids) read back: for each row, its
    newest history row of that date."""
    wanted = {(getattr(record, pk_name), record.history_date) for record in records}
    ids = sorted({row_id for row_id, _date in wanted})
    newest = {}
    for start in range(0, len(ids), HISTORY_BATCH):
        found = history_model.objects.filter(
            **{f"{pk_name}__in": ids[start : start + HISTORY_BATCH]}
        )
        for record in found.order_by("history_id"):
            if (getattr(record, pk_name), record.history_date) in wanted:
                newest[getattr(record, pk_name)] = record
    return list(newest.values())
