/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/*
 * Where the user was in the gallery: the folder it shows and how far down
 * it is scrolled, saved a second after scrolling stops (and when the page
 * goes), and put back once a reopened folder is laid out. Main thread
 * only; the page that owns it frees it in its dispose().
 */

typedef struct _UbGalleryPlace UbGalleryPlace;

UbGalleryPlace *ub_gallery_place_new       (GtkScrolledWindow *scroller,
                                            GListModel        *items);
void            ub_gallery_place_free      (UbGalleryPlace    *self);
void            ub_gallery_place_open      (UbGalleryPlace    *self,
                                            const char        *folder);
void            ub_gallery_place_set_listing (UbGalleryPlace *self,
                                              gboolean        listing);
void            ub_gallery_place_save      (UbGalleryPlace    *self);
char           *ub_gallery_place_restore   (UbGalleryPlace    *self);
char           *ub_gallery_place_dup_saved (double            *fraction);
void            ub_gallery_place_forget    (void);

G_END_DECLS
