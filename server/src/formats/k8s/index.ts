export { parseK8s } from './parse';
export * from './model';
export { addAnnotation, appendToSequence, applyEdits, insertKey, isJsonText, removeKey, setScalar, setValue, type EditValue, type TextEdit } from './edit';
