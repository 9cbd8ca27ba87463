/*
 * Hand-written glue between Swift and libthrift-c-glib 0.17 (not generated).
 *
 * - RkvFrameTransport: a transport over one already-framed message. Reads fail
 *   on short data (the stock ThriftMemoryBuffer spins forever on a truncated
 *   message) and never copy the input; writes append to an output buffer.
 * - RkvSafeProtocol: the binary protocol, but lengths and container sizes are
 *   checked against the bytes left in the frame before anything is allocated
 *   (0.17 accepts negative lengths and allocates before reading).
 * - rkv_thrift_init(): registers every GType up front and patches the library
 *   finalizers that do not chain up.
 */
#ifndef RKV_SHIM_H
#define RKV_SHIM_H

#include <glib.h>
#include <glib-object.h>
#include <thrift/c_glib/thrift.h>
#include <thrift/c_glib/thrift_struct.h>
#include <thrift/c_glib/thrift_application_exception.h>
#include <thrift/c_glib/protocol/thrift_protocol.h>
#include <thrift/c_glib/protocol/thrift_binary_protocol.h>
#include <thrift/c_glib/transport/thrift_transport.h>
#include "rkv_kvstore_types.h"

typedef struct _RkvFrameTransport RkvFrameTransport;

/* Idempotent and thread-safe; call before any thread touches a Thrift type. */
void rkv_thrift_init (void);

RkvFrameTransport *rkv_frame_transport_new (void);
/* The bytes must stay valid until the message is decoded; they are not copied. */
void rkv_frame_transport_set_input (RkvFrameTransport *transport, const void *bytes, guint32 length);
guint32 rkv_frame_transport_input_remaining (RkvFrameTransport *transport);
GByteArray *rkv_frame_transport_output (RkvFrameTransport *transport);
void rkv_frame_transport_clear_output (RkvFrameTransport *transport);

ThriftProtocol *rkv_safe_protocol_new (RkvFrameTransport *transport);

/* Non-variadic, cast-free helpers for Swift. */
gpointer rkv_struct_new (GType type);
void rkv_object_unref (gpointer object);
gint32 rkv_struct_read (gpointer object, ThriftProtocol *protocol, GError **error);
gint32 rkv_struct_write (gpointer object, ThriftProtocol *protocol, GError **error);
GByteArray *rkv_bytes_new (const void *bytes, guint32 length);
gboolean rkv_error_is_protocol (const GError *error);
gboolean rkv_error_is_transport (const GError *error);

#endif
