/**
 * The words the map names its clusters with (by CLIP zero-shot, "a photo of a {word}"), until
 * the user edits them: what personal photo libraries and shop catalogs are mostly of. Plain
 * nouns, since a cluster's centroid is compared with each; a word missing here is added in the
 * map's *Names* panel or with `semblance map vocabulary --set`.
 */
export const DEFAULT_MAP_VOCABULARY: readonly string[] = [
  // People and animals
  'person', 'group of people', 'baby', 'child', 'wedding', 'party', 'selfie',
  'dog', 'cat', 'bird', 'horse', 'fish', 'insect', 'butterfly', 'cow', 'sheep', 'wild animal',
  // Places and nature
  'beach', 'sea', 'lake', 'river', 'mountain', 'forest', 'field', 'garden', 'flower', 'tree',
  'snow', 'desert', 'sky', 'sunset', 'night sky', 'city', 'street', 'building', 'church',
  'bridge', 'park', 'playground', 'stadium', 'museum', 'restaurant', 'shop', 'kitchen',
  'living room', 'bedroom', 'office', 'classroom', 'concert', 'airport', 'train', 'car',
  'bicycle', 'motorcycle', 'boat', 'airplane', 'bus', 'truck',
  // Things and food
  'food', 'dessert', 'cake', 'fruit', 'vegetables', 'drink', 'coffee', 'wine', 'bread', 'pizza',
  'book', 'toy', 'ball', 'sport', 'musical instrument', 'painting', 'sculpture', 'plant',
  // Documents and screens
  'document', 'receipt', 'screenshot', 'text', 'map', 'diagram', 'chart', 'sign', 'poster',
  'ticket', 'handwriting', 'whiteboard', 'computer', 'phone',
  // Products
  'shoe', 'sneaker', 'boot', 'dress', 'shirt', 't-shirt', 'jacket', 'trousers', 'jeans', 'skirt',
  'hat', 'bag', 'backpack', 'watch', 'jewellery', 'ring', 'necklace', 'glasses', 'sunglasses',
  'sofa', 'chair', 'table', 'bed', 'lamp', 'rug', 'cushion', 'shelf', 'mirror', 'clock', 'vase',
  'mug', 'cup', 'plate', 'bowl', 'glass', 'bottle', 'teapot', 'kettle', 'toaster', 'pan', 'knife',
  'cosmetics', 'perfume', 'headphones', 'camera', 'laptop', 'television', 'speaker', 'tool',
];
