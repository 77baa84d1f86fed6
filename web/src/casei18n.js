// The labels of working a case (the case page's forms, the dossier, the
// case list's office tools), added to the pages' table in i18n.js.

import { messages } from './i18n.js';
import labels from './messages/casei18n.json' with { type: 'json' };

Object.assign(messages, labels);
