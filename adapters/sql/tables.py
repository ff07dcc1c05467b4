"""The legacy-style relational schema the SQL adapter writes to (SQLite or PostgreSQL).

It is shaped like the back-office databases councils run: a property register, accounts with liability
dates, liable persons, charge lines and instalments that are superseded rather than deleted, and audit
notes. ``applied_notification`` is ours: it makes applying idempotent by notification id.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    false,
)

metadata = MetaData()

property_table = Table(
    "property", metadata,
    Column("uprn", String(12), primary_key=True),
    Column("property_ref", String(20), nullable=False, unique=True),
    Column("address_line_1", String(100), nullable=False),
    Column("address_line_2", String(100)),
    Column("town", String(60), nullable=False),
    Column("postcode", String(8), nullable=False, index=True),
    Column("band", String(1), nullable=False),
    # Liable while no one lives there (LGFA 1992 s.6(2)(f)); null: not known.
    Column("owner_name", String(100)),
    # Empty and furnished: a second home (s.11C); a statutory exception class from the premiums, and its start.
    Column("furnished", Boolean, nullable=False, default=False, server_default=false()),
    Column("premium_exception", String(1)),
    Column("premium_exception_from", Date),
)

account_table = Table(
    "account", metadata,
    Column("account_ref", String(20), primary_key=True),
    Column("uprn", String(12), ForeignKey("property.uprn"), nullable=False),
    Column("liability_start", Date, nullable=False),
    Column("liability_end", Date),
    Column("discount_code", String(10)),
    Column("discount_percent", Integer, nullable=False, default=0),
    # No longer read (payments are rows of ``payment``); kept so databases made before still take new accounts.
    Column("paid_this_year_pence", BigInteger, nullable=False, default=0),
    Column("opened_by_notification", String(36)),
    # The payment arrangement the account keeps for every later demand (SI 1992/613 Sch. 1 para 2(3A)).
    Column("twelve_instalments", Boolean, nullable=False, default=False, server_default=false()),
    Column("payment_day", Integer),
    # An owner's liability for the dwelling while empty: the day it has been empty since (s.11B clock).
    Column("unoccupied_since", Date),
    # Lookup indexes hold no column a batch UPDATE changes, and the pages keep room, so ending an account or
    # superseding a line is a heap-only update on PostgreSQL (hot_update_indexes.py).
    Index("account_by_uprn", "uprn"),
    postgresql_with={"fillfactor": 90},
)

liable_person_table = Table(
    "liable_person", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_ref", String(20), ForeignKey("account.account_ref"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("full_name", String(100), nullable=False),
)

charge_table = Table(
    "charge", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_ref", String(20), ForeignKey("account.account_ref"), nullable=False),
    Column("financial_year", Integer, nullable=False),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("days", Integer, nullable=False),
    Column("band", String(1), nullable=False),
    Column("annual_charge_pence", BigInteger, nullable=False),
    Column("discount_code", String(10)),
    Column("discount_percent", Integer, nullable=False),
    Column("charge_pence", BigInteger, nullable=False),
    Column("notification_id", String(36)),
    Column("superseded", Boolean, nullable=False, default=False),
    Column("superseded_by", String(36)),  # as on instalment: the notification that superseded the line
    Index("charge_by_account", "account_ref"),
    postgresql_with={"fillfactor": 90},
)

instalment_table = Table(
    "instalment", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_ref", String(20), ForeignKey("account.account_ref"), nullable=False),
    Column("financial_year", Integer, nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("due_date", Date, nullable=False),
    Column("amount_pence", BigInteger, nullable=False),
    Column("notification_id", String(36)),
    Column("superseded", Boolean, nullable=False, default=False),
    # The notification whose revised demand superseded the row (None: still demanded, or superseded before the
    # column was added): so a replay knows exactly what an account still demanded before each notification.
    Column("superseded_by", String(36)),
    Index("instalment_by_account", "account_ref"),
    postgresql_with={"fillfactor": 90},
)

# Payments as the back office's cash posting records them, each towards one financial year of an account.
payment_table = Table(
    "payment", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_ref", String(20), ForeignKey("account.account_ref"), nullable=False, index=True),
    Column("financial_year", Integer, nullable=False),
    Column("paid_on", Date, nullable=False),
    Column("amount_pence", BigInteger, nullable=False),
)

# Refunds of final bills' credit: the bank details only sealed (a Fernet token under the council's key) and masked.
refund_table = Table(
    "refund_instruction", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_ref", String(20), ForeignKey("account.account_ref"), nullable=False, index=True),
    Column("notification_id", String(36), nullable=False),
    Column("financial_year", Integer, nullable=False),
    Column("amount_pence", BigInteger, nullable=False),
    Column("bank_sealed", Text, nullable=False),
    Column("bank_masked", String(60), nullable=False),
    Column("held_for_approval", Boolean, nullable=False),
    Column("instructed_on", Date, nullable=False),
)

# Officers' decisions on refunds held for approval, one per refund (its id: the account and the year). A released
# refund is also posted as a negative payment; a refund not released leaves the credit on the account.
refund_decision_table = Table(
    "refund_decision", metadata,
    Column("account_ref", String(20), ForeignKey("account.account_ref"), primary_key=True),
    Column("financial_year", Integer, primary_key=True),
    Column("decision", String(10), nullable=False),
    Column("decided_on", Date, nullable=False),
    Column("notification_id", String(36), nullable=False),
)

audit_note_table = Table(
    "audit_note", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_ref", String(20), ForeignKey("account.account_ref"), nullable=False, index=True),
    Column("noted_at", DateTime(timezone=True), nullable=False),
    Column("author", String(60), nullable=False),
    Column("notification_id", String(36)),
    Column("note", Text, nullable=False),
)

account_number_table = Table(
    "account_number", metadata,
    Column("id", Integer, primary_key=True),
    Column("next_number", BigInteger, nullable=False),
)

applied_notification_table = Table(
    "applied_notification", metadata,
    Column("notification_id", String(36), primary_key=True),
    Column("reference", String(20), nullable=False),
    Column("change_fingerprint", String(64), nullable=False, index=True),
    Column("applied_at", DateTime(timezone=True), nullable=False),
    Column("account_refs", Text, nullable=False),
)
