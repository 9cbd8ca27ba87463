/* Hand-written glue; see include/rkv_shim.h. */
#include <string.h>
#include "rkv_shim.h"

void rkv_register_generated_types (void);

/* ---- RkvFrameTransport ---------------------------------------------------- */

struct _RkvFrameTransport
{
  ThriftTransport parent;
  const guint8 *input;
  guint32 input_length;
  guint32 input_position;
  GByteArray *output;
};

typedef struct { ThriftTransportClass parent; } RkvFrameTransportClass;

G_DEFINE_TYPE (RkvFrameTransport, rkv_frame_transport, THRIFT_TYPE_TRANSPORT)

#define RKV_FRAME_TRANSPORT(obj) ((RkvFrameTransport *) (obj))

static guint32
remaining (RkvFrameTransport *t)
{
  return t->input_length - t->input_position;
}

static gboolean
require_bytes (RkvFrameTransport *t, glong count, GError **error)
{
  if (count < 0 || (guint64) count > remaining (t))
  {
    if (error != NULL && *error != NULL)
      return FALSE;  /* the caller already reported why */
    g_set_error (error, THRIFT_TRANSPORT_ERROR, THRIFT_TRANSPORT_ERROR_RECEIVE,
                 "truncated message: needs %ld bytes, %u left in the frame", count, remaining (t));
    return FALSE;
  }
  return TRUE;
}

static gint32
frame_read (ThriftTransport *transport, gpointer buf, guint32 len, GError **error)
{
  RkvFrameTransport *t = RKV_FRAME_TRANSPORT (transport);
  if (!require_bytes (t, (glong) len, error))
    return -1;
  if (len > 0)
    memcpy (buf, t->input + t->input_position, len);
  t->input_position += len;
  return (gint32) len;
}

static gboolean
frame_write (ThriftTransport *transport, const gpointer buf, const guint32 len, GError **error)
{
  (void) error;
  g_byte_array_append (RKV_FRAME_TRANSPORT (transport)->output, buf, len);
  return TRUE;
}

static gboolean frame_true (ThriftTransport *transport, GError **error) { (void) transport; (void) error; return TRUE; }
static gboolean frame_is_open (ThriftTransport *transport) { (void) transport; return TRUE; }
static gboolean frame_peek (ThriftTransport *transport, GError **error)
{
  (void) error;
  return remaining (RKV_FRAME_TRANSPORT (transport)) > 0;
}
static gboolean frame_size_ok (ThriftTransport *transport, glong size, GError **error)
{
  (void) transport; (void) size; (void) error;
  return TRUE;
}
static gboolean frame_check_available (ThriftTransport *transport, glong count, GError **error)
{
  return require_bytes (RKV_FRAME_TRANSPORT (transport), count, error);
}

static void
rkv_frame_transport_init (RkvFrameTransport *t)
{
  t->input = NULL;
  t->input_length = 0;
  t->input_position = 0;
  t->output = g_byte_array_sized_new (256);
}

static void
rkv_frame_transport_finalize (GObject *object)
{
  g_byte_array_unref (RKV_FRAME_TRANSPORT (object)->output);
  G_OBJECT_CLASS (rkv_frame_transport_parent_class)->finalize (object);
}

static void
rkv_frame_transport_class_init (RkvFrameTransportClass *cls)
{
  ThriftTransportClass *transport = (ThriftTransportClass *) cls;
  G_OBJECT_CLASS (cls)->finalize = rkv_frame_transport_finalize;
  transport->is_open = frame_is_open;
  transport->peek = frame_peek;
  transport->open = frame_true;
  transport->close = frame_true;
  transport->read = frame_read;
  transport->read_all = frame_read;
  transport->read_end = frame_true;
  transport->write = frame_write;
  transport->write_end = frame_true;
  transport->flush = frame_true;
  transport->updateKnownMessageSize = frame_size_ok;
  transport->checkReadBytesAvailable = frame_check_available;
  transport->resetConsumedMessageSize = frame_size_ok;
  transport->countConsumedMessageBytes = frame_size_ok;
}

RkvFrameTransport *
rkv_frame_transport_new (void)
{
  return g_object_new (rkv_frame_transport_get_type (), NULL);
}

void
rkv_frame_transport_set_input (RkvFrameTransport *t, const void *bytes, guint32 length)
{
  t->input = bytes;
  t->input_length = length;
  t->input_position = 0;
}

guint32 rkv_frame_transport_input_remaining (RkvFrameTransport *t) { return remaining (t); }
GByteArray *rkv_frame_transport_output (RkvFrameTransport *t) { return t->output; }
void rkv_frame_transport_clear_output (RkvFrameTransport *t) { g_byte_array_set_size (t->output, 0); }

/* ---- RkvSafeProtocol ------------------------------------------------------ */

/* Deeper nesting than any RotorKV message needs; bounds the recursion of
 * thrift_protocol_skip, which a hostile frame could otherwise drive into a
 * stack overflow with a million nested structs or lists. */
#define RKV_MAX_NESTING 64

typedef struct { ThriftBinaryProtocol parent; gint depth; } RkvSafeProtocol;
typedef struct { ThriftBinaryProtocolClass parent; } RkvSafeProtocolClass;

G_DEFINE_TYPE (RkvSafeProtocol, rkv_safe_protocol, THRIFT_TYPE_BINARY_PROTOCOL)

/* Reads a length prefix and refuses it unless the frame still holds that many bytes. */
static gint32
read_checked_length (ThriftProtocol *protocol, guint32 *length, GError **error)
{
  gint32 value;
  gint32 ret = thrift_protocol_read_i32 (protocol, &value, error);
  if (ret < 0)
    return -1;
  if (value < 0)
  {
    g_set_error (error, THRIFT_PROTOCOL_ERROR, THRIFT_PROTOCOL_ERROR_NEGATIVE_SIZE,
                 "negative length %d", value);
    return -1;
  }
  if (!THRIFT_TRANSPORT_GET_CLASS (protocol->transport)->checkReadBytesAvailable (protocol->transport, value, error))
    return -1;
  *length = (guint32) value;
  return ret;
}

static gint32
safe_read_binary (ThriftProtocol *protocol, gpointer *buf, guint32 *len, GError **error)
{
  guint32 length = 0;
  gint32 xfer;
  /* Callers such as thrift_protocol_skip free *buf even when the read fails. */
  *buf = NULL;
  *len = 0;
  xfer = read_checked_length (protocol, &length, error);
  if (xfer < 0)
    return -1;
  *len = length;
  if (length == 0)
    return xfer;
  *buf = g_new (guchar, length);
  if (thrift_transport_read_all (protocol->transport, *buf, length, error) < 0)
  {
    g_free (*buf);
    *buf = NULL;
    return -1;
  }
  return xfer + (gint32) length;
}

static gint32
safe_read_string (ThriftProtocol *protocol, gchar **str, GError **error)
{
  guint32 length = 0;
  gint32 xfer;
  *str = NULL;
  xfer = read_checked_length (protocol, &length, error);
  if (xfer < 0)
    return -1;
  *str = g_new0 (gchar, (gsize) length + 1);
  if (length > 0 && thrift_transport_read_all (protocol->transport, *str, length, error) < 0)
  {
    g_free (*str);
    *str = NULL;
    return -1;
  }
  return xfer + (gint32) length;
}

static gboolean
enter_nested (ThriftProtocol *protocol, GError **error)
{
  RkvSafeProtocol *safe = (RkvSafeProtocol *) protocol;
  if (++safe->depth > RKV_MAX_NESTING)
  {
    g_set_error (error, THRIFT_PROTOCOL_ERROR, THRIFT_PROTOCOL_ERROR_DEPTH_LIMIT,
                 "structs and containers nested deeper than %d", RKV_MAX_NESTING);
    return FALSE;
  }
  return TRUE;
}

static void
leave_nested (ThriftProtocol *protocol)
{
  RkvSafeProtocol *safe = (RkvSafeProtocol *) protocol;
  if (safe->depth > 0)
    safe->depth--;
}

/* A new message starts at depth zero, whatever a failed one left behind. */
static gint32
safe_read_message_begin (ThriftProtocol *protocol, gchar **name, ThriftMessageType *type, gint32 *seqid, GError **error)
{
  ((RkvSafeProtocol *) protocol)->depth = 0;
  return THRIFT_PROTOCOL_CLASS (rkv_safe_protocol_parent_class)->read_message_begin (protocol, name, type, seqid, error);
}

static gint32
safe_read_struct_begin (ThriftProtocol *protocol, gchar **name, GError **error)
{
  if (!enter_nested (protocol, error))
    return -1;
  return THRIFT_PROTOCOL_CLASS (rkv_safe_protocol_parent_class)->read_struct_begin (protocol, name, error);
}

static gint32
safe_read_struct_end (ThriftProtocol *protocol, GError **error)
{
  leave_nested (protocol);
  return THRIFT_PROTOCOL_CLASS (rkv_safe_protocol_parent_class)->read_struct_end (protocol, error);
}

#define SAFE_CONTAINER_END(kind)                                                            \
  static gint32 safe_read_##kind##_end (ThriftProtocol *protocol, GError **error)            \
  {                                                                                          \
    leave_nested (protocol);                                                                 \
    return THRIFT_PROTOCOL_CLASS (rkv_safe_protocol_parent_class)->read_##kind##_end (protocol, error); \
  }
SAFE_CONTAINER_END (list)
SAFE_CONTAINER_END (set)
SAFE_CONTAINER_END (map)

/* Every element takes at least one byte, so a size beyond the frame is a lie. */
static gint32
safe_read_list_begin (ThriftProtocol *protocol, ThriftType *element_type, guint32 *size, GError **error)
{
  gint32 ret;
  if (!enter_nested (protocol, error))
    return -1;
  ret = THRIFT_PROTOCOL_CLASS (rkv_safe_protocol_parent_class)->read_list_begin (protocol, element_type, size, error);
  if (ret >= 0 && !THRIFT_TRANSPORT_GET_CLASS (protocol->transport)->checkReadBytesAvailable (protocol->transport, (glong) *size, error))
    return -1;
  return ret;
}

static gint32
safe_read_set_begin (ThriftProtocol *protocol, ThriftType *element_type, guint32 *size, GError **error)
{
  gint32 ret;
  if (!enter_nested (protocol, error))
    return -1;
  ret = THRIFT_PROTOCOL_CLASS (rkv_safe_protocol_parent_class)->read_set_begin (protocol, element_type, size, error);
  if (ret >= 0 && !THRIFT_TRANSPORT_GET_CLASS (protocol->transport)->checkReadBytesAvailable (protocol->transport, (glong) *size, error))
    return -1;
  return ret;
}

static gint32
safe_read_map_begin (ThriftProtocol *protocol, ThriftType *key_type, ThriftType *value_type, guint32 *size, GError **error)
{
  gint32 ret;
  if (!enter_nested (protocol, error))
    return -1;
  ret = THRIFT_PROTOCOL_CLASS (rkv_safe_protocol_parent_class)->read_map_begin (protocol, key_type, value_type, size, error);
  if (ret >= 0 && !THRIFT_TRANSPORT_GET_CLASS (protocol->transport)->checkReadBytesAvailable (protocol->transport, 2 * (glong) *size, error))
    return -1;
  return ret;
}

static void rkv_safe_protocol_init (RkvSafeProtocol *protocol) { protocol->depth = 0; }

static void
rkv_safe_protocol_class_init (RkvSafeProtocolClass *cls)
{
  ThriftProtocolClass *protocol = (ThriftProtocolClass *) cls;
  protocol->read_binary = safe_read_binary;
  protocol->read_string = safe_read_string;
  protocol->read_list_begin = safe_read_list_begin;
  protocol->read_set_begin = safe_read_set_begin;
  protocol->read_map_begin = safe_read_map_begin;
  protocol->read_message_begin = safe_read_message_begin;
  protocol->read_struct_begin = safe_read_struct_begin;
  protocol->read_struct_end = safe_read_struct_end;
  protocol->read_list_end = safe_read_list_end;
  protocol->read_set_end = safe_read_set_end;
  protocol->read_map_end = safe_read_map_end;
}

ThriftProtocol *
rkv_safe_protocol_new (RkvFrameTransport *transport)
{
  return g_object_new (rkv_safe_protocol_get_type (), "transport", transport, NULL);
}

/* ---- Library fixes and start-up ------------------------------------------- */

static GObjectFinalizeFunc application_exception_finalize;

/* 0.17's ThriftApplicationException finalizer frees the message but never chains up. */
static void
application_exception_finalize_chained (GObject *object)
{
  application_exception_finalize (object);
  G_OBJECT_CLASS (g_type_class_peek (THRIFT_TYPE_STRUCT))->finalize (object);
}

void
rkv_thrift_init (void)
{
  static gsize initialized = 0;
  if (!g_once_init_enter (&initialized))
    return;
  rkv_register_generated_types ();
  (void) rkv_frame_transport_get_type ();
  (void) rkv_safe_protocol_get_type ();
  GObjectClass *exception_class = g_type_class_ref (THRIFT_TYPE_APPLICATION_EXCEPTION);
  application_exception_finalize = exception_class->finalize;
  exception_class->finalize = application_exception_finalize_chained;
  g_once_init_leave (&initialized, 1);
}

gpointer rkv_struct_new (GType type) { return g_object_new (type, NULL); }
void rkv_object_unref (gpointer object) { g_object_unref (object); }

gint32
rkv_struct_read (gpointer object, ThriftProtocol *protocol, GError **error)
{
  return thrift_struct_read (THRIFT_STRUCT (object), protocol, error);
}

gint32
rkv_struct_write (gpointer object, ThriftProtocol *protocol, GError **error)
{
  return thrift_struct_write (THRIFT_STRUCT (object), protocol, error);
}

GByteArray *
rkv_bytes_new (const void *bytes, guint32 length)
{
  GByteArray *array = g_byte_array_sized_new (length);
  g_byte_array_append (array, bytes, length);
  return array;
}

gboolean rkv_error_is_protocol (const GError *error) { return error != NULL && error->domain == THRIFT_PROTOCOL_ERROR; }
gboolean rkv_error_is_transport (const GError *error) { return error != NULL && error->domain == THRIFT_TRANSPORT_ERROR; }
